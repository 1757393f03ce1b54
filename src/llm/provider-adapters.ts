import { type LookupFunction } from 'node:net';
import { AnthropicProvider } from './anthropic/anthropic.provider';
import { GeminiProvider } from './gemini/gemini.provider';
import { egressLookup } from './http/egress-guard';
import { type HttpTransport } from './http/streaming-http-client';
import { type LlmProvider, type LlmRequest } from './llm-provider';
import { OllamaNativeProvider } from './ollama/ollama-native.provider';
import { OpenAiCompatibleProvider } from './openai-compatible/openai-compatible.provider';
import { OpenAiProvider } from './openai/openai.provider';
import { PerplexityProvider } from './perplexity/perplexity.provider';
import { ScrubbedErrorsProvider } from './scrubbed-errors-provider';

/** How adapters reach the network; plain data, so a capture thread can build the same adapters. */
export interface ProviderHttpSettings {
  allowPrivate: boolean;
  idleTimeoutMs: number;
  deadlineMs: number;
}

/** The configuration entries the adapters' network settings come from (see config/app-config.ts). */
export interface ProviderHttpConfig {
  EGRESS_ALLOW_PRIVATE: boolean;
  STREAM_IDLE_TIMEOUT_MS: number;
  RUN_DEADLINE_MS: number;
}

export function providerHttpSettings(config: ProviderHttpConfig): ProviderHttpSettings {
  return {
    allowPrivate: config.EGRESS_ALLOW_PRIVATE,
    idleTimeoutMs: config.STREAM_IDLE_TIMEOUT_MS,
    deadlineMs: config.RUN_DEADLINE_MS,
  };
}

/** One adapter per wire protocol (an engine's provider kind, plus Ollama's native API). */
export type ProviderKey =
  'openai' | 'anthropic' | 'gemini' | 'perplexity' | 'openai-compatible' | 'ollamaNative' | 'demo';

/** An engine resolved to the adapter that streams it and the request to send. */
export interface ResolvedEngine {
  /** Names the adapter, so a capture thread holding its own adapters streams through the same one. */
  providerKey: ProviderKey;
  provider: LlmProvider;
  request: LlmRequest;
}

/**
 * `transport`: where the adapters' HTTP exchanges run (a capture thread's socket thread); their own sockets
 * when unset.
 *
 * Every adapter connects through the egress guard (no private, loopback, link-local or metadata addresses
 * unless allowPrivate) and refuses redirects. The demo engine is an embedded OpenAI-compatible server on
 * loopback, reached without the guard: demo runs travel the same HTTP capture path as real ones.
 */
export function buildProviders(
  settings: ProviderHttpSettings,
  transport?: HttpTransport,
): Record<ProviderKey, LlmProvider> {
  const lookup: LookupFunction = egressLookup({ allowPrivate: settings.allowPrivate });
  const via = transport === undefined ? {} : { transport };
  const http = {
    lookup,
    allowPrivate: settings.allowPrivate,
    idleTimeoutMs: settings.idleTimeoutMs,
    deadlineMs: settings.deadlineMs,
    ...via,
  };
  // Every adapter's errors lose the engine's credential before anything stores, publishes or logs them.
  const scrubbed = (provider: LlmProvider): LlmProvider => new ScrubbedErrorsProvider(provider);
  return {
    openai: scrubbed(new OpenAiProvider(http)),
    anthropic: scrubbed(new AnthropicProvider(http)),
    gemini: scrubbed(new GeminiProvider(http)),
    perplexity: scrubbed(new PerplexityProvider(http)),
    'openai-compatible': scrubbed(new OpenAiCompatibleProvider(http)),
    ollamaNative: scrubbed(new OllamaNativeProvider(http)),
    demo: new OpenAiCompatibleProvider({
      idleTimeoutMs: settings.idleTimeoutMs,
      deadlineMs: settings.deadlineMs,
      ...via,
    }),
  };
}
