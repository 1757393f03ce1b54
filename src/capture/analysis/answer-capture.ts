import { type CapturedStream, type LiveTextChunk } from '../recording/captured-stream';
import { StreamCapture } from '../recording/stream-capture';
import { type BrandSpec } from '../../detection/brand-watchlist';
import { CompiledWatchlist } from '../../detection/compiled-watchlist';
import { IncrementalMatcher, type DetectedMention } from '../../detection/incremental-matcher';
import { type LlmProvider, type LlmRequest } from '../../llm/llm-provider';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { type ProviderError } from '../../llm/provider-error';
import { type BrandKind } from '../../scoring/run-scorer';
import { type AnswerAnalysis } from './run-analysis';

/** One answer to stream: plain data, so it can cross to a capture thread unchanged. */
export interface AnswerCaptureJob {
  request: LlmRequest;
  brands: BrandSpec[];
  /** No answer or reasoning text for this long is a stall, even while keep-alive pings arrive. */
  contentIdleMs: number;
  /**
   * Live chunks are handed to the listener in batches at most this old (0: each chunk at once). Each chunk
   * keeps its own arrival time; batching only spares the live-event path one publish per chunk.
   */
  liveBatchMs: number;
  /**
   * When set, a capture thread also tokenizes and scores the completed answer (pure, the same rows as on the
   * main thread), so that work stays off the main event loop.
   */
  analysis?: {
    brands: { id: string; kind: BrandKind }[];
    settings: { foldTokens: number; halfLifeMs: number };
  };
}

export interface AnswerCaptureResult {
  capture: CapturedStream;
  /** Why the stream did not complete; the partial capture is kept either way. */
  error: ProviderError | null;
  /** Every mention in text order; empty when the stream did not complete. */
  mentions: DetectedMention[];
  /** The answer's analysis when the job asked for it, it ran (on a capture thread) and the stream completed. */
  analysis: AnswerAnalysis | null;
}

/**
 * What the answer looks like while it arrives: chunks in order (batched, see liveBatchMs), and each mention
 * once the chunks up to the one that confirmed it have been handed over.
 */
export interface LiveAnswerListener {
  chunks(chunks: LiveTextChunk[]): void;
  mentions(mentions: readonly DetectedMention[]): void;
}

/**
 * Streams one answer into a capture with live detection: every answer chunk is fed to the matcher as it is
 * recorded, and the listener gets the chunks and the mentions they confirmed in order, batched by
 * `job.liveBatchMs`. Pure apart from the provider's I/O: the same stream gives the same capture and mentions on
 * the main thread or a capture thread.
 */
export async function captureAnswer(
  provider: LlmProvider,
  job: AnswerCaptureJob,
  signal: AbortSignal,
  listener: LiveAnswerListener,
  watchlist: CompiledWatchlist = new CompiledWatchlist(job.brands),
  // Its zero moves to the request-sent instant as the request goes out (MonotonicClock.requestSent).
  clock: SystemMonotonicClock = new SystemMonotonicClock(),
): Promise<AnswerCaptureResult> {
  const matcher = new IncrementalMatcher(watchlist);
  const mentions: DetectedMention[] = [];
  const live = new LiveBatch(listener, job.liveBatchMs);
  try {
    const { capture, error } = await StreamCapture.run(
      provider,
      job.request,
      { signal, clock },
      (chunk) => {
        live.chunk(chunk);
        const found = matcher.push(chunk.text, chunk.atUs);
        if (found.length === 0) return;
        for (const m of found) mentions.push(m);
        live.mentions(found);
      },
      { contentIdleMs: job.contentIdleMs },
    );
    if (error) return { capture, error, mentions: [], analysis: null };
    const last = matcher.end();
    for (const m of last) mentions.push(m);
    live.mentions(last);
    return { capture, error: null, mentions, analysis: null };
  } finally {
    live.flush();
  }
}

/**
 * Live chunks and mentions in arrival order, handed to the listener at most `batchMs` after the oldest was
 * queued: runs of consecutive chunks go out as one `chunks` call, each mention after the chunks before it.
 */
class LiveBatch {
  private queue: (LiveTextChunk | readonly DetectedMention[])[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly listener: LiveAnswerListener,
    private readonly batchMs: number,
  ) {}

  chunk(chunk: LiveTextChunk): void {
    this.add(chunk);
  }

  mentions(mentions: readonly DetectedMention[]): void {
    if (mentions.length > 0) this.add(mentions);
  }

  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const queue = this.queue;
    if (queue.length === 0) return;
    this.queue = [];
    let chunks: LiveTextChunk[] = [];
    for (const item of queue) {
      if (!Array.isArray(item)) {
        chunks.push(item as LiveTextChunk);
        continue;
      }
      if (chunks.length > 0) this.listener.chunks(chunks);
      chunks = [];
      this.listener.mentions(item);
    }
    if (chunks.length > 0) this.listener.chunks(chunks);
  }

  private add(item: LiveTextChunk | readonly DetectedMention[]): void {
    this.queue.push(item);
    if (this.batchMs === 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.batchMs);
  }
}
