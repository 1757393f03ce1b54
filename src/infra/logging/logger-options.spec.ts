import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../config/app-config';
import { httpLoggerOptions, redactQueryTokens, REDACT_PATHS, wantsPrettyLogs } from './logger-options';

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
    const http = httpLoggerOptions() as {
      genReqId: (req: { headers: Record<string, string> }) => string;
    };
    expect(http.genReqId({ headers: { 'x-request-id': 'abc-123' } })).toBe('abc-123');
    expect(http.genReqId({ headers: { 'x-request-id': 'bad id\nwith newline' } })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prints human-readable lines only to a terminal outside production, unless LOG_FORMAT says', () => {
    const env = {
      DATABASE_URL: 'postgresql://x@127.0.0.1/x',
      REDIS_URL: 'redis://127.0.0.1:6379',
      ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    };
    expect(wantsPrettyLogs(loadConfig(env), true)).toBe(true);
    expect(wantsPrettyLogs(loadConfig(env), false)).toBe(false);
    expect(wantsPrettyLogs(loadConfig({ ...env, NODE_ENV: 'production' }), true)).toBe(false);
    expect(wantsPrettyLogs(loadConfig({ ...env, LOG_FORMAT: 'json' }), true)).toBe(false);
    expect(wantsPrettyLogs(loadConfig({ ...env, LOG_FORMAT: 'pretty' }), false)).toBe(true);
  });

  it('never logs a sign-in token from a URL', () => {
    expect(redactQueryTokens('/v1/sessions/link?token=abc_DEF-123')).toBe(
      '/v1/sessions/link?token=[redacted]',
    );
    expect(redactQueryTokens('/x?a=1&token=zzz&b=2')).toBe('/x?a=1&token=[redacted]&b=2');
    expect(redactQueryTokens('/v1/runs?projectId=p')).toBe('/v1/runs?projectId=p');
  });
});
