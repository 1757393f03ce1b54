import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../config/app-config';
import { loggerOptions, REDACT_PATHS } from './logger-options';

describe('log redaction', () => {
  it('never prints API keys or engine credentials', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = pino({ redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, sink);
    logger.info(
      { req: { headers: { authorization: 'Bearer sr_secret_key' }, body: { credential: 'sk-live-1' } } },
      'x',
    );
    logger.info({ engine: { credential: 'sk-live-2', apiKey: 'sk-live-3' } }, 'y');
    const out = lines.join('');
    expect(out).not.toMatch(/sr_secret_key|sk-live/);
    expect(out).toContain('[redacted]');
  });

  it('binds a request id, reusing a well-formed incoming X-Request-Id', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://x@127.0.0.1/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    });
    const http = loggerOptions(config).pinoHttp as {
      genReqId: (req: { headers: Record<string, string> }) => string;
    };
    expect(http.genReqId({ headers: { 'x-request-id': 'abc-123' } })).toBe('abc-123');
    expect(http.genReqId({ headers: { 'x-request-id': 'bad id\nwith newline' } })).toMatch(/^[0-9a-f-]{36}$/);
  });
});
