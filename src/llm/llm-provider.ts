import type { MonotonicClock } from './monotonic-clock';
import type { StreamPart } from './stream-part';

export interface LlmRequestParameters {
  temperature?: number;
  maxTokens?: number;
  systemPrompt?: string;
  topP?: number;
  seed?: number;
  /** Ask the engine to search the web (OpenAI Responses, Anthropic server tool, Gemini grounding). */
  webSearch?: boolean;
  /** Free-form region hint passed where the provider supports one (e.g. web search user location). */
  region?: string;
  /** openai: which API streams the answer. */
  api?: 'chat' | 'responses';
  /** openai-compatible: speak Ollama's native /api/chat (NDJSON) instead of /v1/chat/completions. */
  ollamaNative?: boolean;
  /** Extended thinking / reasoning budget in tokens where supported (kept apart from answer text). */
  thinkingBudgetTokens?: number;
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
