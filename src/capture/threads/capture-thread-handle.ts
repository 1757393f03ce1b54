import { type Worker } from 'node:worker_threads';
import { type ProviderKey } from '../../llm/provider-adapters';
import { type RunRef } from '../../live-events/run-event-publisher';
import { type AnswerCaptureJob, type AnswerCaptureResult } from '../analysis/answer-capture';
import {
  CaptureThreadError,
  deserializeProviderError,
  type CaptureRecord,
  type FromCaptureThread,
  type ToCaptureThread,
} from './capture-protocol';
import { Readiness } from './thread-start';

interface PendingCapture {
  onOrigin: (originHrMs: number) => void;
  resolve: (result: AnswerCaptureResult) => void;
  reject: (error: Error) => void;
}

/**
 * The main thread's handle on one capture thread (capture-thread.ts is the thread itself): the answers it is
 * streaming, matched to the records the thread sends back.
 */
export class CaptureThreadHandle {
  private readonly pending = new Map<number, PendingCapture>();
  private nextId = 1;
  private stopped = false;
  /** Resolves once the thread has loaded its adapters (rejects if it dies first). */
  private readonly started = new Readiness();
  readonly ready = this.started.promise;
  /** The kernel's id of the thread, once it reported ready (null off Linux). */
  tid: number | null = null;

  constructor(
    private readonly worker: Worker,
    private readonly onStopped: (thread: CaptureThreadHandle, reason: Error) => void,
    private readonly onWarning: (record: Extract<CaptureRecord, { type: 'warn' }>) => void,
  ) {
    worker.on('message', (records: FromCaptureThread) => {
      for (const record of records) this.dispatch(record);
    });
    worker.on('error', (e) =>
      this.stop(new CaptureThreadError(`capture thread failed: ${e.message}`, { cause: e })),
    );
    worker.on('exit', (code) => this.stop(new CaptureThreadError(`capture thread exited with code ${code}`)));
    // Captures in flight keep the process busy anyway; an idle thread must not keep it alive.
    worker.unref();
  }

  get load(): number {
    return this.pending.size;
  }

  capture(
    providerKey: ProviderKey,
    job: AnswerCaptureJob,
    signal: AbortSignal,
    run: RunRef,
    onOrigin: (originHrMs: number) => void,
  ): Promise<AnswerCaptureResult> {
    const id = this.nextId++;
    return new Promise<AnswerCaptureResult>((resolve, reject) => {
      const onAbort = (): void => {
        const reason: unknown = signal.reason;
        this.post({ type: 'abort', id, reason: reason instanceof Error ? reason.message : String(reason) });
      };
      const settle = (): void => {
        signal.removeEventListener('abort', onAbort);
        this.pending.delete(id);
      };
      this.pending.set(id, {
        onOrigin,
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      this.post({ type: 'start', id, providerKey, job, run });
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  }

  async terminate(): Promise<void> {
    this.stopped = true;
    await this.worker.terminate();
  }

  /** The socket thread is gone: this thread's answers fail with `reason` and the thread stops. */
  abandon(reason: Error): void {
    this.stop(reason);
    void this.worker.terminate();
  }

  private post(message: ToCaptureThread): void {
    if (!this.stopped) this.worker.postMessage(message);
  }

  private dispatch(record: CaptureRecord): void {
    if (record.type === 'ready') {
      this.tid = record.tid;
      return this.started.settle();
    }
    if (record.type === 'warn') return this.onWarning(record);
    const p = this.pending.get(record.id);
    if (p === undefined) return;
    switch (record.type) {
      case 'started':
        p.onOrigin(record.originHrMs);
        break;
      case 'done':
        p.resolve({
          capture: record.capture,
          error: record.error === null ? null : deserializeProviderError(record.error),
          mentions: record.mentions,
          analysis: record.analysis,
        });
        break;
      case 'crashed': {
        const error = new CaptureThreadError(`capture thread: ${record.message}`);
        if (record.stack !== undefined) error.stack = record.stack;
        p.reject(error);
        break;
      }
    }
  }

  private stop(reason: Error): void {
    this.started.settle(reason);
    if (this.stopped && this.pending.size === 0) return;
    this.stopped = true;
    for (const p of [...this.pending.values()]) p.reject(reason);
    this.onStopped(this, reason);
  }
}
