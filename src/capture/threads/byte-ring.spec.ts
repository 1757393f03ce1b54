import { Worker } from 'node:worker_threads';
import fc from 'fast-check';
import { ByteRing, RingWriter } from './byte-ring';
import { readSocketRecord, writeSocketRecord, type SocketRecord } from './socket-protocol';

const bytesOf = (record: Uint8Array): number[] => [...record];
const put =
  (bytes: Uint8Array) =>
  (target: Uint8Array, offset: number): void =>
    target.set(bytes, offset);

describe('ByteRing', () => {
  it('rejects a capacity that is not a power of two', () => {
    expect(() => ByteRing.allocate(100)).toThrow(RangeError);
    expect(() => ByteRing.allocate(32)).toThrow(RangeError);
    expect(ByteRing.allocate(64).byteLength).toBe(64 + 8);
  });

  it('hands back every record written, in order and intact, across wrap-arounds and a full ring', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            // size 'max': lengths over the whole range (the default biases towards a few short records).
            fc.uint8Array({ minLength: 0, maxLength: 60, size: 'max' }).map((b) => ({ write: b })),
            fc.constant({ read: true as const }),
          ),
          { minLength: 20, maxLength: 300, size: 'max' },
        ),
        (steps) => {
          const ring = new ByteRing(ByteRing.allocate(128));
          const expected: number[][] = [];
          const got: number[][] = [];
          let inRing = 0;
          for (const step of steps) {
            if ('read' in step) {
              expect(ring.read((r) => got.push(bytesOf(r)))).toBe(inRing);
              inRing = 0;
              continue;
            }
            if (ring.write(step.write.byteLength, put(step.write))) {
              expected.push([...step.write]);
              inRing++;
            } else {
              // Refused only when full: after the reader catches up it goes in.
              expect(inRing).toBeGreaterThan(0);
              ring.read((r) => got.push(bytesOf(r)));
              inRing = 0;
              expect(ring.write(step.write.byteLength, put(step.write))).toBe(true);
              expected.push([...step.write]);
              inRing++;
            }
          }
          ring.read((r) => got.push(bytesOf(r)));
          expect(got).toEqual(expected);
        },
      ),
    );
  });

  it('refuses a record when the ring is full and takes it once the reader has caught up', () => {
    const ring = new ByteRing(ByteRing.allocate(64));
    const record = new Uint8Array(12).fill(7); // 16 bytes with its length
    for (let i = 0; i < 4; i++) expect(ring.write(12, put(record))).toBe(true);
    expect(ring.write(12, put(record))).toBe(false);
    expect(ring.read(() => undefined)).toBe(4);
    expect(ring.write(12, put(record))).toBe(true);
    expect(() => ring.write(ring.maxRecordBytes + 1, () => undefined)).toThrow(RangeError);
  });

  it('consumes the records handed over even when the handler throws', () => {
    const ring = new ByteRing(ByteRing.allocate(64));
    ring.write(1, put(Uint8Array.of(1)));
    ring.write(1, put(Uint8Array.of(2)));
    expect(() =>
      ring.read(() => {
        throw new Error('handler bug');
      }),
    ).toThrow('handler bug');
    const rest: number[][] = [];
    ring.read((r) => rest.push(bytesOf(r)));
    expect(rest).toEqual([[2]]);
  });

  it('carries records between two threads without loss or reordering', async () => {
    const buffer = ByteRing.allocate(1024);
    const count = 20_000;
    // The writer thread writes record i as 1-40 bytes of (i % 251), prefixed with i, as fast as it can.
    const writer = new Worker(
      `const { workerData } = require('node:worker_threads');
       const { ByteRing } = require(${JSON.stringify(require.resolve('./byte-ring'))});
       const ring = new ByteRing(workerData.buffer);
       for (let i = 0; i < workerData.count; ) {
         const n = 4 + (i % 40);
         if (ring.write(n, (t, o) => { new DataView(t.buffer, t.byteOffset + o, 4).setUint32(0, i, true); t.fill(i % 251, o + 4, o + n); })) i++;
       }`,
      {
        eval: true,
        workerData: { buffer, count },
        execArgv: ['-r', require.resolve('../../../scripts/swc-register.js')],
      },
    );
    const ring = new ByteRing(buffer);
    let next = 0;
    // No clock: the writer exits only once it has written every record (it waits while the ring is full), so
    // reading until it has exited and then draining what is left proves no loss however slow the machine is.
    let exited = false;
    writer.once('exit', () => (exited = true));
    const readAll = (): void => {
      ring.read((r) => {
        const i = new DataView(r.buffer, r.byteOffset, 4).getUint32(0, true);
        expect(i).toBe(next);
        expect(r.byteLength).toBe(4 + (i % 40));
        expect(r.subarray(4).every((b) => b === i % 251)).toBe(true);
        next++;
      });
    };
    while (!exited) {
      readAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    for (let before = -1; before !== next;) {
      before = next;
      readAll();
    }
    expect(next).toBe(count);
  }, 180_000);
});

describe('RingWriter', () => {
  it('keeps records the full ring refused, in order, and writes them as room frees up', async () => {
    const ring = new ByteRing(ByteRing.allocate(64));
    const writer = new RingWriter(ring, 1);
    for (let i = 0; i < 10; i++) writer.write(12, put(new Uint8Array(12).fill(i)));
    expect(writer.backlogBytes).toBe(6 * 12);
    const got: number[] = [];
    const deadline = Date.now() + 2_000;
    while (got.length < 10 && Date.now() < deadline) {
      ring.read((r) => got.push(r[0]!));
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(got).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(writer.backlogBytes).toBe(0);
  });
});

describe('waking the reader', () => {
  it("resolves `written` at once when records are waiting, and on the writer's wake otherwise", async () => {
    const buffer = ByteRing.allocate(1024);
    const reader = new ByteRing(buffer);
    const writer = new RingWriter(new ByteRing(buffer), 1, true);
    writer.write(1, (t, o) => (t[o] = 7));
    // Not read yet: no wait at all.
    const t0 = performance.now();
    await reader.written(5_000);
    expect(performance.now() - t0).toBeLessThan(1_000);
    reader.read(() => undefined);
    // Everything read: it sleeps until the writer writes (from a timer here; a thread in production).
    let woke = false;
    const waiting = reader.written(5_000).then(() => (woke = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(woke).toBe(false);
    const t1 = performance.now();
    writer.write(1, (t, o) => (t[o] = 8));
    await waiting;
    expect(performance.now() - t1).toBeLessThan(1_000);
    const got: number[] = [];
    reader.read((r) => got.push(r[0]!));
    expect(got).toEqual([8]);
  });

  it('gives up after its timeout when nothing is written', async () => {
    const reader = new ByteRing(ByteRing.allocate(1024));
    const t0 = performance.now();
    await reader.written(30);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
  });
});

describe('socket records in a ring', () => {
  it('round-trips reads as bytes and the other records as JSON', () => {
    const ring = new ByteRing(ByteRing.allocate(4096));
    const records: SocketRecord[] = [
      { id: 1, t: 'origin', hrMs: 123456.789, connectUs: 812.5 },
      { id: 1, t: 'response', atUs: 10.5, status: 200, headers: { 'content-type': 'text/event-stream' } },
      { id: 1, t: 'data', atUs: 1234.25, bytes: Buffer.from('data: {"x":"é"}\n\n') },
      { id: 4_000_000_000, t: 'data', atUs: 0, bytes: new Uint8Array(0) },
      { id: 1, t: 'end' },
      { id: 2, t: 'http-error', status: 429, headers: { 'retry-after': '3' }, body: 'slow down' },
    ];
    for (const r of records) {
      writeSocketRecord(r, (length, fill) => expect(ring.write(length, fill)).toBe(true));
    }
    const got: SocketRecord[] = [];
    ring.read((bytes) => got.push(readSocketRecord(bytes)));
    expect(got.map((r) => (r.t === 'data' ? { ...r, bytes: Buffer.from(r.bytes).toString() } : r))).toEqual(
      records.map((r) => (r.t === 'data' ? { ...r, bytes: Buffer.from(r.bytes).toString() } : r)),
    );
    // A read's bytes are a copy: the ring may reuse its own at once.
    const data = got[2] as Extract<SocketRecord, { t: 'data' }>;
    expect(data.bytes.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });
});
