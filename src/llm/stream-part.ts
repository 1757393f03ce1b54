/**
 * The normalized vocabulary every provider adapter yields, whatever its wire format.
 *
 * `atUs` is microseconds since the request was sent (the clock's zero), taken at the moment the bytes that
 * carried the part arrived on the socket, not when a consumer got round to reading them. Values may be
 * fractional while in flight; the recorder rounds to integers once, at the end, so no precision is lost by
 * rounding twice.
 */
export type StreamPart =
  HeadersPart | TextPart | ReasoningPart | FinishPart | UsagePart | MetaPart | CitationPart;

/** Response headers arrived: separates network/queueing latency from generation latency. */
export interface HeadersPart {
  type: 'headers';
  atUs: number;
  status: number;
}

/** Visible answer text only; this is what detection and scoring read. */
export interface TextPart {
  type: 'text';
  atUs: number;
  text: string;
}

/** Reasoning/thinking text, kept apart so a brand "thought about" never counts as a brand shown. */
export interface ReasoningPart {
  type: 'reasoning';
  atUs: number;
  text: string;
}

/** The provider's own stop reason (`stop`, `length`, `content_filter`...), passed through verbatim. */
export interface FinishPart {
  type: 'finish';
  atUs: number;
  finishReason: string;
}

export interface UsagePart {
  type: 'usage';
  atUs: number;
  inputTokens?: number;
  outputTokens?: number;
}

/** Emitted once per stream, from the first chunk that names them. */
export interface MetaPart {
  type: 'meta';
  atUs: number;
  model?: string;
  responseId?: string;
}

/** A source the answer cites (web search, grounding). Providers that repeat citations cumulatively de-duplicate. */
export interface CitationPart {
  type: 'citation';
  atUs: number;
  url: string;
  title?: string;
  /** Host of `url` (or the provider's resolved source domain), lower-case, no `www.`. */
  domain?: string;
  /** UTF-16 offsets into the answer text, when the provider gives them. */
  startIndex?: number;
  endIndex?: number;
}
