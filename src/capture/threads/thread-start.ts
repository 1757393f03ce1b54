import path from 'node:path';
import { Worker, type TransferListItem } from 'node:worker_threads';

/**
 * A thread's start: resolves when it reports ready, rejects if it stops first (later settles change nothing).
 * Awaited only while the threads start; a thread that dies later is handled where it stops.
 */
export class Readiness {
  settle: (error?: Error) => void = () => undefined;
  readonly promise = new Promise<void>((resolve, reject) => {
    this.settle = (error) => (error ? reject(error) : resolve());
  });

  constructor() {
    this.promise.catch(() => undefined);
  }
}

/** A thread entry next to this file: compiled JavaScript, or TypeScript through the swc hook in dev/tests. */
export function startThread(
  name: string,
  workerData: unknown,
  transferList: TransferListItem[] = [],
): Worker {
  const entry = path.join(__dirname, `${name}${path.extname(__filename)}`);
  if (!entry.endsWith('.ts')) return new Worker(entry, { workerData, transferList });
  const register = path.resolve(__dirname, '../../../scripts/swc-register.js');
  return new Worker(`require(${JSON.stringify(register)});\nrequire(${JSON.stringify(entry)});`, {
    eval: true,
    workerData,
    transferList,
  });
}
