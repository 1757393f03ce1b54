import { randomUUID } from 'node:crypto';
import { type IncomingMessage } from 'node:http';
import { type Params } from 'nestjs-pino';
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

export function loggerOptions(config: AppConfig): Params {
  return {
    pinoHttp: {
      level: config.LOG_LEVEL,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      genReqId: (req: IncomingMessage) => {
        const incoming = req.headers['x-request-id'];
        return typeof incoming === 'string' && /^[A-Za-z0-9._-]{1,128}$/.test(incoming)
          ? incoming
          : randomUUID();
      },
      customProps: () => ({ service: 'streamrank', role: config.ROLE }),
      autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
      },
    },
  };
}
