import { AsyncLocalStorage } from 'node:async_hooks';
import { type LoggerService } from '@nestjs/common';
import { type Logger as Pino } from 'pino';

/** The request's own child logger (bound to its request id) while a request is being handled. */
export const requestLogger = new AsyncLocalStorage<Pino>();

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';

/** Nest's own start-up chatter (one line per module and route): debug, so `info` shows what the service does. */
const FRAMEWORK_CONTEXTS = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory']);

/**
 * Nest's LoggerService over pino: `new Logger(Context).log(...)` anywhere in the app lands here, as a pino
 * line with `context` and, inside a request, the request id. The last string argument is Nest's context.
 */
export class AppLogger implements LoggerService {
  constructor(private readonly root: Pino) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest.at(-1);
    this.write(
      typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : 'info',
      message,
      rest,
    );
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: Level, message: unknown, rest: unknown[]): void {
    const logger = requestLogger.getStore() ?? this.root;
    const params = [...rest];
    const context = typeof params.at(-1) === 'string' ? (params.pop() as string) : undefined;
    const fields: Record<string, unknown> = context === undefined ? {} : { context };
    if (level === 'error' && typeof params[0] === 'string' && params[0].includes('\n')) {
      fields.stack = params.shift();
    }
    if (message instanceof Error) {
      logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, message: text, ...object } = message as Record<string, unknown>;
      // `logger.warn({ fields }, 'what happened')`: after Nest's context is popped, a remaining string is the line.
      const trailing = typeof params[0] === 'string' ? params[0] : undefined;
      const line = typeof msg === 'string' ? msg : typeof text === 'string' ? text : trailing;
      logger[level]({ ...fields, ...object }, line);
    } else {
      logger[level](fields, String(message));
    }
  }
}
