import { type Request, type Response } from 'express';

export const KEEP_ALIVE_MS = 15_000;
/** A client this far behind is dropped; it can reconnect with Last-Event-ID and resume. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/** One Server-Sent Events response: headers, framing, keep-alive comments, backpressure and close. */
export class SseStream {
  private closedFlag = false;
  private readonly cleanups: (() => void)[] = [];
  private keepAlive: NodeJS.Timeout | undefined;

  constructor(
    private readonly req: Request,
    private readonly res: Response,
  ) {}

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Sends the headers now; `onTick` runs with every keep-alive comment. */
  open(onTick?: () => void): void {
    this.req.socket.setTimeout(0);
    this.req.socket.setNoDelay(true);
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
    this.write('retry: 3000\n\n');
    this.res.on('close', () => this.close());
    this.keepAlive = setInterval(() => {
      this.write(': keep-alive\n\n');
      onTick?.();
    }, KEEP_ALIVE_MS);
  }

  /** Runs when the stream closes, whoever closes it. */
  onClose(cleanup: () => void): void {
    if (this.closedFlag) cleanup();
    else this.cleanups.push(cleanup);
  }

  send(event: { id?: string; type: string; data: string }): void {
    const id = event.id === undefined ? '' : `id: ${event.id}\n`;
    // `data` is single-line JSON: no newline can break the framing.
    this.write(`${id}event: ${event.type}\ndata: ${event.data}\n\n`);
  }

  close(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    clearInterval(this.keepAlive);
    for (const cleanup of this.cleanups.splice(0)) {
      try {
        cleanup();
      } catch {
        // cleanup must not prevent the response from ending
      }
    }
    if (!this.res.writableEnded) this.res.end();
  }

  private write(text: string): void {
    if (this.closedFlag) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      this.close();
      return;
    }
    this.res.write(text);
  }
}
