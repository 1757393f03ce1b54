import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type LookupFunction } from 'node:net';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type EngineParameters, type ProviderKindName } from '../engines/dto/engine.dto';
import { type EngineRecord } from '../engines/engine.repository';
import { AnthropicProvider } from '../llm/anthropic/anthropic.provider';
import { DemoEngineServer, DEMO_MODEL } from '../llm/demo/demo-engine-server';
import { GeminiProvider } from '../llm/gemini/gemini.provider';
import { type LlmProvider, type LlmRequest, type LlmRequestParameters } from '../llm/llm-provider';
import { OllamaNativeProvider } from '../llm/ollama/ollama-native.provider';
import { OpenAiCompatibleProvider } from '../llm/openai-compatible/openai-compatible.provider';
import { OpenAiProvider } from '../llm/openai/openai.provider';
import { PerplexityProvider } from '../llm/perplexity/perplexity.provider';
import { egressLookup } from '../llm/http/egress-guard';

export interface ResolvedEngine {
  provider: LlmProvider;
  request: LlmRequest;
}

export interface EngineCallInput {
  engine: EngineRecord;
  apiKey: string | undefined;
  prompt: string;
  brandNames: string[];
  runId: string;
}

/**
 * Maps an engine's provider kind to the adapter that streams it, so the pipeline never branches on vendors.
 * Every adapter connects through the egress guard (no private, loopback, link-local or metadata addresses
 * unless EGRESS_ALLOW_PRIVATE) and refuses redirects. The demo engine is an embedded OpenAI-compatible
 * server on loopback, reached without the guard: demo runs travel the same HTTP capture path as real ones.
 */
@Injectable()
export class ProviderRegistry implements OnApplicationShutdown {
  private readonly providers: Record<Exclude<ProviderKindName, 'demo'>, LlmProvider> & {
    ollamaNative: LlmProvider;
    demo: LlmProvider;
  };
  private demoServer: DemoEngineServer | null = null;
  private demoBaseUrl: Promise<string> | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const lookup: LookupFunction = egressLookup({ allowPrivate: config.EGRESS_ALLOW_PRIVATE });
    const http = {
      lookup,
      allowPrivate: config.EGRESS_ALLOW_PRIVATE,
      idleTimeoutMs: config.STREAM_IDLE_TIMEOUT_MS,
      deadlineMs: config.RUN_DEADLINE_MS,
    };
    this.providers = {
      openai: new OpenAiProvider(http),
      anthropic: new AnthropicProvider(http),
      gemini: new GeminiProvider(http),
      perplexity: new PerplexityProvider(http),
      'openai-compatible': new OpenAiCompatibleProvider(http),
      ollamaNative: new OllamaNativeProvider(http),
      demo: new OpenAiCompatibleProvider({ idleTimeoutMs: http.idleTimeoutMs, deadlineMs: http.deadlineMs }),
    };
  }

  async resolve(input: EngineCallInput): Promise<ResolvedEngine> {
    const { engine } = input;
    const parameters = toRequestParameters(engine.parameters);
    const base: LlmRequest = {
      ...(engine.baseUrl ? { baseUrl: engine.baseUrl } : {}),
      ...(input.apiKey ? { apiKey: input.apiKey } : {}),
      model: engine.model,
      prompt: input.prompt,
      parameters,
    };
    const kind: ProviderKindName = engine.provider;
    switch (kind) {
      case 'openai':
      case 'anthropic':
      case 'gemini':
      case 'perplexity':
        return { provider: this.providers[kind], request: base };
      case 'openai-compatible':
        return {
          provider: parameters.ollamaNative
            ? this.providers.ollamaNative
            : this.providers['openai-compatible'],
          request: base,
        };
      case 'demo':
        return {
          provider: this.providers.demo,
          request: {
            baseUrl: await this.demoUrl(),
            model: DEMO_MODEL,
            prompt: input.prompt,
            parameters,
            extraBody: {
              streamrank_demo: {
                brands: input.brandNames,
                seed: `${engine.parameters.seed ?? ''}:${input.runId}`,
              },
            },
          },
        };
    }
  }

  private demoUrl(): Promise<string> {
    if (!this.demoBaseUrl) {
      this.demoServer = new DemoEngineServer({ host: '127.0.0.1', port: 0 });
      this.demoBaseUrl = this.demoServer.start().then((s) => s.baseUrl);
    }
    return this.demoBaseUrl;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.demoServer?.stop();
  }
}

function toRequestParameters(p: EngineParameters): LlmRequestParameters {
  const out: LlmRequestParameters = {};
  if (p.temperature !== undefined) out.temperature = p.temperature;
  if (p.maxTokens !== undefined) out.maxTokens = p.maxTokens;
  if (p.systemPrompt !== undefined) out.systemPrompt = p.systemPrompt;
  if (p.webSearch !== undefined) out.webSearch = p.webSearch;
  if (p.region !== undefined) out.region = p.region;
  if (p.api !== undefined) out.api = p.api;
  if (p.ollamaNative !== undefined) out.ollamaNative = p.ollamaNative;
  if (p.thinkingBudgetTokens !== undefined) out.thinkingBudgetTokens = p.thinkingBudgetTokens;
  return out;
}
