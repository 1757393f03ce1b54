import {
  Global,
  Inject,
  Module,
  type DynamicModule,
  type MiddlewareConsumer,
  type NestModule,
} from '@nestjs/common';
import pino, { type Logger as Pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { type AppConfig } from '../../config/app-config';
import { AppLogger, requestLogger } from './app-logger';
import pinoPretty from 'pino-pretty';
import { baseLoggerOptions, httpLoggerOptions, prettyOptions, wantsPrettyLogs } from './logger-options';
import { ScrubbingDestination } from './scrubbing-destination';

export const ROOT_LOGGER = Symbol('ROOT_LOGGER');

export function createRootLogger(config: AppConfig): Pino {
  // pino's own stdout destination (or pino-pretty in this thread, so its lines can be scrubbed too).
  const sink = wantsPrettyLogs(config, process.stdout.isTTY)
    ? pinoPretty(prettyOptions())
    : pino.destination({ dest: process.stdout.fd || 1 });
  return pino(baseLoggerOptions(config), new ScrubbingDestination(sink));
}

/** One pino root logger per process; HTTP requests get a child bound to their request id. */
@Global()
@Module({})
export class LoggingModule implements NestModule {
  constructor(@Inject(ROOT_LOGGER) private readonly root: Pino) {}

  static forRoot(config: AppConfig): DynamicModule {
    const root = createRootLogger(config);
    return {
      module: LoggingModule,
      providers: [
        { provide: ROOT_LOGGER, useValue: root },
        { provide: AppLogger, useValue: new AppLogger(root) },
      ],
      exports: [ROOT_LOGGER, AppLogger],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    const http = pinoHttp({ ...httpLoggerOptions(), logger: this.root });
    consumer
      .apply((req: Parameters<typeof http>[0], res: Parameters<typeof http>[1], next: () => void) => {
        http(req, res);
        requestLogger.run(req.log, next);
      })
      .forRoutes('*path');
  }
}
