import { Writable } from 'node:stream';
import pino from 'pino';
import { AppLogger, requestLogger } from './app-logger';

function capture(): { logger: AppLogger; root: pino.Logger; lines: () => Record<string, unknown>[] } {
  const out: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      out.push(chunk.toString());
      done();
    },
  });
  const root = pino({ level: 'info' }, sink);
  return {
    logger: new AppLogger(root),
    root,
    lines: () => out.map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('AppLogger (Nest LoggerService over pino)', () => {
  it('writes Nest calls as pino lines with their context, objects as fields, errors with their stack', () => {
    const { logger, lines } = capture();
    logger.log('plain message', 'RunProcessor');
    logger.warn({ msg: 'slow', runId: 'r1' }, 'RunProcessor');
    logger.error('failed', 'Error: boom\n    at x', 'Webhooks');
    logger.error(new Error('exploded'));
    expect(lines()).toEqual([
      expect.objectContaining({ level: 30, msg: 'plain message', context: 'RunProcessor' }),
      expect.objectContaining({ level: 40, msg: 'slow', runId: 'r1', context: 'RunProcessor' }),
      expect.objectContaining({
        level: 50,
        msg: 'failed',
        context: 'Webhooks',
        stack: 'Error: boom\n    at x',
      }),
      expect.objectContaining({
        level: 50,
        msg: 'exploded',
        err: expect.objectContaining({ message: 'exploded' }),
      }),
    ]);
  });

  it('takes the line from the string after the fields when the object has no msg (Nest Logger with a context)', () => {
    const { logger, lines } = capture();
    logger.warn({ runId: 'r2', elapsedMs: 40 }, 'result write failed; retrying', 'RunResultLander');
    expect(lines()).toEqual([
      expect.objectContaining({
        level: 40,
        msg: 'result write failed; retrying',
        runId: 'r2',
        context: 'RunResultLander',
      }),
    ]);
  });

  it("keeps Nest's start-up chatter out of info, and binds the request's logger inside a request", () => {
    const { logger, root, lines } = capture();
    logger.log('Mapped {/v1/runs, GET} route', 'RouterExplorer');
    requestLogger.run(root.child({ reqId: 'req-7' }), () => logger.log('inside', 'Runs'));
    expect(lines()).toEqual([expect.objectContaining({ msg: 'inside', reqId: 'req-7', context: 'Runs' })]);
  });
});
