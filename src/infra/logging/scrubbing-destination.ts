import { type DestinationStream } from 'pino';
import { PATTERN_SCRUBBER } from '../crypto/secret-scrubber';

/** Where lines go after scrubbing: a sonic-boom destination or a pino-pretty stream. */
export interface LineSink {
  write(line: string): unknown;
  flushSync?(): void;
}

/**
 * The last step of every log line: whatever a line carries (message, fields, an error's message, stack or
 * cause, a request URL), text shaped like a key or token leaves as `[redacted]`. REDACT_PATHS censors the
 * fields known to hold secrets; this catches the ones nobody knew would (a provider quoting a key in an error).
 * On the serialized line, so no field, serializer or Nest call path is missed; the patterns keep JSON valid.
 */
export class ScrubbingDestination implements DestinationStream {
  constructor(private readonly sink: LineSink) {}

  write(line: string): void {
    this.sink.write(PATTERN_SCRUBBER.scrub(line));
  }

  /** pino's final flush on exit reaches the real destination. */
  flushSync(): void {
    this.sink.flushSync?.();
  }
}
