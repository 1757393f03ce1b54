import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { type EngineParameters, type ProviderKindName } from '../../engines/dto/engine.dto';
import { type EngineRecord } from '../../engines/engine.repository';
import { DemoEngineServer, DEMO_MODEL } from '../../llm/demo/demo-engine-server';
import { type LlmProvider, type LlmRequest, type LlmRequestParameters } from '../../llm/llm-provider';
import {
  buildProviders,
  providerHttpSettings,
  type ProviderKey,
  type ResolvedEngine,
} from '../../llm/provider-adapters';

export interface EngineCallInput {
  engine: EngineRecord;
  apiKey: string | undefined;
  prompt: string;
  brandNames: string[];
  runId: string;
}

/**
 * Maps an engine's provider kind to the adapter that streams it, so the pipeline never branches on vendors.
 * Demo runs travel the same HTTP capture path as real ones.
 */
@Injectable()
export class ProviderRegistry implements OnApplicationShutdown {
  private readonly providers: Record<ProviderKey, LlmProvider>;
  private demoServer: DemoEngineServer | null = null;
  private demoBaseUrl: Promise<string> | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.providers = buildProviders(providerHttpSettings(config));
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
        return this.adapter(kind, base);
      case 'openai-compatible':
        return this.adapter(parameters.ollamaNative ? 'ollamaNative' : 'openai-compatible', base);
      case 'demo':
        return this.adapter('demo', {
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
        });
    }
  }

  private adapter(providerKey: ProviderKey, request: LlmRequest): ResolvedEngine {
    return { providerKey, provider: this.providers[providerKey], request };
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
