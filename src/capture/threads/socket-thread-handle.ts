import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { ByteRing } from './byte-ring';
import { CaptureThreadError } from './capture-protocol';
import {
  RECORDS_RING_BYTES,
  REQUESTS_RING_BYTES,
  type SocketChannelRings,
  type SocketRecord,
  type ToSocketThread,
} from './socket-protocol';
import { Readiness } from './thread-start';

/** The main thread's handle on the socket thread (socket-thread.ts): every provider socket of this process. */
export class SocketThreadHandle {
  private stopped = false;
  private readonly started = new Readiness();
  readonly ready = this.started.promise;

  constructor(
    private readonly worker: Worker,
    onStopped: (reason: Error) => void,
    onPriority: (record: Extract<SocketRecord, { t: 'ready' }>) => void,
  ) {
    worker.on('message', (record: SocketRecord) => {
      if (record.t !== 'ready') return;
      onPriority(record);
      this.started.settle();
    });
    const stop = (reason: Error): void => {
      this.started.settle(reason);
      if (this.stopped) return;
      this.stopped = true;
      onStopped(reason);
    };
    worker.on('error', (e) =>
      stop(new CaptureThreadError(`socket thread failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', (code) => stop(new CaptureThreadError(`socket thread exited with code ${code}`)));
    worker.unref();
  }

  /**
   * A new channel to this thread: its rings, shared with the capture thread, and the capture thread's end of a
   * port whose closing tells this thread it is gone.
   */
  attach(): { port: MessagePort; rings: SocketChannelRings } {
    const { port1, port2 } = new MessageChannel();
    const rings = {
      requests: ByteRing.allocate(REQUESTS_RING_BYTES),
      records: ByteRing.allocate(RECORDS_RING_BYTES),
    };
    this.worker.postMessage({ type: 'attach', port: port1, rings } satisfies ToSocketThread, [port1]);
    return { port: port2, rings };
  }

  async terminate(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }
}
