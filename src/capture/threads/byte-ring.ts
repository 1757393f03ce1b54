/**
 * A single-producer, single-consumer ring of byte records in a SharedArrayBuffer: one thread writes, one other
 * thread reads, with no message, no allocation and no lock between them. MessagePort posts between the socket
 * thread and the capture threads took the receiver's queue mutex and a fresh buffer per message; a poster
 * preempted while holding either (the capture threads run at a low priority on a busy host) left the socket
 * thread asleep on a futex for up to 13 ms with every stream's reads waiting behind it (bench:load at 500
 * streams: 260 such sleeps in 5 s, p99 7 ms). Here the writer only copies into shared memory and publishes its
 * position with one atomic store; the reader polls.
 *
 * Layout: an Int32Array header [write position, read position] (free-running byte counters, wrapping at 2^32),
 * then `capacity` bytes (a power of two). A record is a 4-byte little-endian length, its bytes, and padding to
 * 4 bytes; a record that would cross the end of the buffer starts over at 0, behind a -1 length (skip to the
 * end). Only the writer moves the write position and only the reader the read position, each with a release
 * store the other side reads with an acquire load (Atomics), so a reader never sees a record before its bytes.
 * A reader that must not wait for a poll sleeps in `written` (Atomics.waitAsync on the write position: its
 * event loop keeps running) and its writer wakes it (`wake`, Atomics.notify) after each write.
 */
declare global {
  // In V8 since Node 16; in TypeScript's lib only from ES2024, which this project does not target yet.
  interface Atomics {
    waitAsync(
      typedArray: Int32Array,
      index: number,
      value: number,
      timeout?: number,
    ):
      | { async: false; value: 'not-equal' | 'timed-out' }
      | { async: true; value: Promise<'ok' | 'timed-out'> };
  }
}

const HEADER_BYTES = 8;
const WRITE = 0;
const READ = 1;
const SKIP = -1;

export class ByteRing {
  private readonly header: Int32Array;
  private readonly data: Uint8Array;
  private readonly view: DataView;
  private readonly mask: number;

  /** A ring of `capacity` bytes (a power of two, at least 64), to share with the other thread. */
  static allocate(capacity: number): SharedArrayBuffer {
    if (capacity < 64 || (capacity & (capacity - 1)) !== 0 || capacity > 2 ** 30) {
      throw new RangeError(`ring capacity must be a power of two from 64 to 2^30, not ${capacity}`);
    }
    return new SharedArrayBuffer(HEADER_BYTES + capacity);
  }

  constructor(buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, 2);
    this.data = new Uint8Array(buffer, HEADER_BYTES);
    this.view = new DataView(buffer, HEADER_BYTES);
    this.mask = this.data.byteLength - 1;
  }

  get capacity(): number {
    return this.data.byteLength;
  }

  /** The largest record `write` can ever take (half the ring, so a skip never makes it wait forever). */
  get maxRecordBytes(): number {
    return this.data.byteLength / 2 - 4;
  }

  /**
   * Writer side: appends one record of `length` bytes, which `fill` writes into `target` from `offset` (one
   * contiguous range). False, and nothing written, when the ring has no room for it now.
   */
  write(length: number, fill: (target: Uint8Array, offset: number) => void): boolean {
    if (length > this.maxRecordBytes) {
      throw new RangeError(`record of ${length} bytes exceeds the ring's limit`);
    }
    let w = this.header[WRITE]!; // only this side writes it
    const r = Atomics.load(this.header, READ);
    const free = this.data.byteLength - ((w - r) | 0);
    const size = 4 + ((length + 3) & ~3);
    let at = w & this.mask;
    const tail = this.data.byteLength - at;
    if (tail < size) {
      // Does not fit before the end: mark the tail skipped and start over at 0.
      if (tail + size > free) return false;
      this.view.setInt32(at, SKIP, true);
      w = (w + tail) | 0;
      at = 0;
    } else if (size > free) {
      return false;
    }
    this.view.setInt32(at, length, true);
    fill(this.data, at + 4);
    Atomics.store(this.header, WRITE, (w + size) | 0);
    return true;
  }

  /** Writer side: wakes a reader waiting in `written`. */
  wake(): void {
    Atomics.notify(this.header, WRITE);
  }

  /**
   * Reader side: resolves once the writer has written past what this side read (at once if it already has),
   * woken by the writer's `wake`, or after `timeoutMs` at the latest. Never blocks the thread: the wait is
   * Atomics.waitAsync, whose wake-up is a task on this thread's event loop.
   */
  written(timeoutMs: number): Promise<unknown> {
    // Read position = everything written so far has been read: sleep until the write position moves from it.
    const waiting = Atomics.waitAsync(this.header, WRITE, Atomics.load(this.header, READ), timeoutMs);
    return waiting.async ? waiting.value : Promise.resolve();
  }

  /**
   * Reader side: hands every record written so far to `onRecord`, in order, as a view into the ring that is
   * only valid during the call (copy what must outlive it). Returns how many records it read.
   */
  read(onRecord: (record: Uint8Array) => void): number {
    let r = this.header[READ]!; // only this side writes it
    const w = Atomics.load(this.header, WRITE);
    let n = 0;
    try {
      while (r !== w) {
        const at = r & this.mask;
        const length = this.view.getInt32(at, true);
        const left = (w - r) | 0;
        if (length === SKIP) {
          r = (r + this.data.byteLength - at) | 0;
          continue;
        }
        const size = 4 + ((length + 3) & ~3);
        // Never past what was written: a bad length is a bug, raised rather than read as records.
        if (length < 0 || size > left || at + size > this.data.byteLength) {
          throw new Error(`ring corrupted: a record of ${length} bytes at ${at} with ${left} written`);
        }
        const record = this.data.subarray(at + 4, at + 4 + length);
        r = (r + size) | 0;
        n++;
        onRecord(record);
      }
    } finally {
      // Records handed over are consumed even if a handler threw: the writer may reuse their bytes.
      Atomics.store(this.header, READ, r);
    }
    return n;
  }
}

/**
 * Writes records into a ring, in order, never losing one: while the ring is full (its reader is behind) they
 * wait here, copied, and go in as room frees up, retried every `retryMs`. With `wakeReader`, every write wakes
 * a reader waiting in ByteRing.written.
 */
export class RingWriter {
  private backlog: Uint8Array[] = [];
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ring: ByteRing,
    private readonly retryMs = 1,
    private readonly wakeReader = false,
  ) {}

  /** Bytes waiting for room in the ring. */
  get backlogBytes(): number {
    return this.backlog.reduce((n, b) => n + b.byteLength, 0);
  }

  write(length: number, fill: (target: Uint8Array, offset: number) => void): void {
    if (this.backlog.length === 0 && this.ring.write(length, fill)) {
      if (this.wakeReader) this.ring.wake();
      return;
    }
    const copy = new Uint8Array(length);
    fill(copy, 0);
    this.backlog.push(copy);
    this.timer ??= setTimeout(() => this.drain(), this.retryMs);
  }

  private drain(): void {
    this.timer = null;
    let i = 0;
    for (; i < this.backlog.length; i++) {
      const b = this.backlog[i]!;
      if (!this.ring.write(b.byteLength, (target, offset) => target.set(b, offset))) break;
    }
    this.backlog = this.backlog.slice(i);
    if (i > 0 && this.wakeReader) this.ring.wake();
    if (this.backlog.length > 0) this.timer = setTimeout(() => this.drain(), this.retryMs);
  }
}
