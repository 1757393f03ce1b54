import { isUtf8 } from 'node:buffer';
import { type IncomingMessage } from 'node:http';

/**
 * The JSON body parser decodes invalid UTF-8 bytes to U+FFFD without a word, so a stored name would differ
 * from the one sent. `verify` sees the raw bytes first and marks the request; the input-rules interceptor
 * then answers 400 naming the fields that hold the replaced bytes.
 */
const INVALID_UTF8 = Symbol('invalidUtf8Body');

type Marked = IncomingMessage & { [INVALID_UTF8]?: true };

/** body-parser `verify` hook. Other charsets (utf-16) are decoded by body-parser itself and not checked. */
export function markInvalidUtf8(req: IncomingMessage, _res: unknown, buf: Buffer, encoding: string): void {
  if (encoding.toLowerCase().replace('-', '') === 'utf8' && !isUtf8(buf)) {
    (req as Marked)[INVALID_UTF8] = true;
  }
}

export function hasInvalidUtf8Body(req: IncomingMessage): boolean {
  return (req as Marked)[INVALID_UTF8] === true;
}
