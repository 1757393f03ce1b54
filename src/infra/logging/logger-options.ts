import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type LoggerOptions } from 'pino';
import { type PrettyOptions } from 'pino-pretty';
import { type Options as HttpOptions } from 'pino-http';
import { type AppConfig } from '../../config/app-config';

/** Paths pino must never print: keys, credentials, anything a provider could echo back. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.body.credential',
  '*.credential',
  '*.apiKey',
  '*.key',
  '*.authorization',
  'headers.authorization',
];

/**
 * Human-readable lines (pino-pretty) when a person is reading a terminal; JSON lines otherwise, and always in
 * production. LOG_FORMAT=json|pretty overrides the guess.
 */
export function wantsPrettyLogs(config: AppConfig, stdoutIsTty: boolean): boolean {
  if (config.LOG_FORMAT !== 'auto') return config.LOG_FORMAT === 'pretty';
  return stdoutIsTty && config.NODE_ENV !== 'production';
}

export function prettyOptions(): PrettyOptions {
  return { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service,role' };
}

export function baseLoggerOptions(config: AppConfig): LoggerOptions {
  return {
    level: config.LOG_LEVEL,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'streamrank', role: config.ROLE },
  };
}

/** Sign-in link tokens travel in the query string (`/v1/sessions/link?token=...`); never log them. */
export function redactQueryTokens(url: string): string {
  return url.replace(/([?&]token=)[^&#]*/gi, '$1[redacted]');
}

export function httpLoggerOptions(): HttpOptions {
  return {
    genReqId: (req: IncomingMessage) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(incoming)
        ? incoming
        : randomUUID();
    },
    autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        url: redactQueryTokens(req.url),
      }),
    },
  };
}
