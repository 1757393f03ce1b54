import type { MonotonicClock } from './monotonic-clock';
import type { StreamPart } from './stream-part';

export interface LlmRequestParameters {
  temperature?: number;
  maxTokens?: number;
  systemPrompt?: string;
  topP?: number;
  seed?: number;
}

export interface LlmRequest {
  /** For OpenAI-compatible servers, the API root including the version, e.g. `http://host:8000/v1`. */
  baseUrl?: string;
  apiKey?: string;
  model: string;
  prompt: string;
  parameters: LlmRequestParameters;
  /** Provider-specific fields merged last into the request body (they win over derived fields). */
  extraBody?: Record<string, unknown>;
}

export interface LlmStreamContext {
  signal: AbortSignal;
  clock: MonotonicClock;
}

/**
 * One provider kind. `stream()` yields parts as they arrive and finishes normally only when the provider's
 * terminal event was received; every other ending throws a `ProviderError`.
 */
export interface LlmProvider {
  stream(req: LlmRequest, ctx: LlmStreamContext): AsyncIterable<StreamPart>;
}
