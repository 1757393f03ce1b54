import pino from 'pino';
import { REDACT_PATHS } from './logger-options';
import { ScrubbingDestination } from './scrubbing-destination';

describe('ScrubbingDestination (every log line, after serialization)', () => {
  it('leaves no key-shaped text in messages, fields, errors, stacks or causes, and keeps lines valid JSON', () => {
    const lines: string[] = [];
    const logger = pino(
      { redact: { paths: REDACT_PATHS, censor: '[redacted]' } },
      new ScrubbingDestination({ write: (line) => lines.push(line) }),
    );
    const key = 'sk-live-4eC39HqLyjWDarjtT1zdp7dc';
    const cause = new Error(`Unexpected token in "${key}"`);
    const err = new Error(`HTTP 401: Incorrect API key provided: ${key}`, { cause });
    logger.warn({ err, runId: 'r1' }, 'run attempt failed');
    logger.info(
      { url: 'https://g.example/v1beta/m:stream?alt=sse&key=AIzaSyA-1234567890abcdefghijklmnopq' },
      'x',
    );
    logger.error(`provider said: Bearer ${key} and {"api_key":"opaque value"}`);
    expect(lines).toHaveLength(3);
    const out = lines.join('');
    expect(out).not.toMatch(/sk-live|4eC39|AIzaSy|opaque value/);
    expect(out).toContain('Incorrect API key provided: [redacted]');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed[0]).toMatchObject({ runId: 'r1', msg: 'run attempt failed' });
  });

  it('hands pino’s exit flush to the real destination', () => {
    const flushSync = jest.fn();
    new ScrubbingDestination({ write: () => undefined, flushSync }).flushSync();
    expect(flushSync).toHaveBeenCalledTimes(1);
  });
});
