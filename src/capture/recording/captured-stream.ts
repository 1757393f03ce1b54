/**
 * Everything measured about one streamed answer. Times are integer microseconds since the request was
 * sent (`requestSentAt`, t_req: the moment its bytes were written to a connected socket; docs/metrics.md);
 * they become the milliseconds of the metric definitions only at the edges.
 */
export interface CapturedStream {
  requestSentAt: Date;
  /**
   * The connection phase before t_req (DNS, TCP connect and TLS on a new connection; about 0 on a reused one);
   * null when the request never went out (or the clock does not measure it).
   */
  connectUs: number | null;
  headersUs: number | null;
  /**
   * First non-empty answer text part; reasoning and empty role chunks do not count (docs/wire-formats.md,
   * "Chunks and tokens").
   */
  ttftUs: number | null;
  /** Answer text parts in arrival order. */
  chunks: CapturedChunk[];
  reasoningText: string;
  finishReason: string | null;
  usage: { inputTokens?: number; outputTokens?: number } | null;
  responseModel: string | null;
  responseId: string | null;
  /** Request sent to the end of the stream (terminator, error or abort). */
  durationUs: number;
  answerText: string;
  /** UTF-16 end offset of each chunk in `answerText` (chunk i spans `chunkEnds[i-1] ?? 0` to `chunkEnds[i]`). */
  chunkEnds: number[];
  chunkArrivalsUs: number[];
  /** Sources the answer cited, in the order they arrived. */
  citations: CapturedCitation[];
  /** The provider's terminal event was received; a partial stream is never a success. */
  complete: boolean;
}

export interface CapturedChunk {
  atUs: number;
  text: string;
}

/** One answer text part as handed to live detection the moment it arrives. */
export interface LiveTextChunk {
  index: number;
  atUs: number;
  text: string;
  /** UTF-16 offsets of this chunk within the answer text so far. */
  charStart: number;
  charEnd: number;
}

export interface CapturedCitation {
  url: string;
  domain: string;
  title: string | null;
  /** UTF-16 span of the cited answer text, when the provider gives one. */
  charStart: number | null;
  charEnd: number | null;
  atUs: number;
}
