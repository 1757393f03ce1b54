import { Writable } from 'node:stream';
import pino from 'pino';
import { loadConfig } from '../../config/app-config';
import { baseLoggerOptions, httpLoggerOptions, redactQueryTokens, wantsPrettyLogs } from './logger-options';

describe('log redaction', () => {
  const env = {
    DATABASE_URL: 'postgresql://x@127.0.0.1/x',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
  };

  /** The options every process logs with, on a sink that keeps the lines (no pattern scrubbing after it). */
  function logged(write: (logger: pino.Logger) => void): Record<string, unknown>[] {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    write(pino(baseLoggerOptions(loadConfig(env)), sink));
    return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  it('never prints API keys or engine credentials, by field, whatever they look like', () => {
    // Opaque values: nothing shaped like a key, so only the redaction paths can hide them.
    const lines = logged((logger) => {
      logger.info(
        {
          req: {
            method: 'POST',
            headers: { authorization: 'opaque-1', cookie: 'opaque-2' },
            body: { credential: 'opaque-3', name: 'engine' },
          },
        },
        'x',
      );
      logger.info({ engine: { id: 'e1', credential: 'opaque-4', apiKey: 'opaque-5' } }, 'y');
      logger.info(
        { cfg: { key: 'opaque-6', authorization: 'opaque-7' }, headers: { authorization: 'opaque-8' } },
        'z',
      );
    });
    expect(JSON.stringify(lines)).not.toMatch(/opaque-/);
    expect(lines[0]).toMatchObject({
      req: {
        method: 'POST',
        headers: { authorization: '[redacted]', cookie: '[redacted]' },
        body: { credential: '[redacted]', name: 'engine' },
      },
    });
    expect(lines[1]).toMatchObject({ engine: { id: 'e1', credential: '[redacted]', apiKey: '[redacted]' } });
    expect(lines[2]).toMatchObject({
      cfg: { key: '[redacted]', authorization: '[redacted]' },
      headers: { authorization: '[redacted]' },
    });
  });

  it('logs at the configured level, naming the service and role', () => {
    const lines = logged((logger) => {
      logger.debug('hidden at the default level');
      logger.info('shown');
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'shown', service: 'streamrank' });
    expect(lines[0]).toHaveProperty('role');
  });

  it('binds a request id, reusing a well-formed incoming X-Request-Id', () => {
    const http = httpLoggerOptions() as {
      genReqId: (req: { headers: Record<string, string> }) => string;
    };
    expect(http.genReqId({ headers: { 'x-request-id': 'abc-123' } })).toBe('abc-123');
    expect(http.genReqId({ headers: { 'x-request-id': 'bad id\nwith newline' } })).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('prints human-readable lines only to a terminal outside production, unless LOG_FORMAT says', () => {
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
