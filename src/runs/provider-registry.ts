import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { type ProviderKindName } from '../engines/dto/engine.dto';
import { type EngineRecord } from '../engines/engine.repository';
import { DemoEngineServer, DEMO_MODEL } from '../llm/demo/demo-engine-server';
import { type LlmProvider, type LlmRequest } from '../llm/llm-provider';
import { OpenAiCompatibleProvider } from '../llm/openai-compatible/openai-compatible.provider';
import { ProviderError } from '../llm/provider-error';

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
 * New kinds slot in here. The demo engine is an embedded OpenAI-compatible server on loopback: demo runs
 * travel the same HTTP capture path as real ones.
 */
@Injectable()
export class ProviderRegistry implements OnApplicationShutdown {
  private readonly openAiCompatible: OpenAiCompatibleProvider;
  private demoServer: DemoEngineServer | null = null;
  private demoBaseUrl: Promise<string> | null = null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.openAiCompatible = new OpenAiCompatibleProvider({
      idleTimeoutMs: config.STREAM_IDLE_TIMEOUT_MS,
      deadlineMs: config.RUN_DEADLINE_MS,
    });
  }

  async resolve(input: EngineCallInput): Promise<ResolvedEngine> {
    const { engine } = input;
    const parameters = {
      ...(engine.parameters.temperature !== undefined ? { temperature: engine.parameters.temperature } : {}),
      ...(engine.parameters.maxTokens !== undefined ? { maxTokens: engine.parameters.maxTokens } : {}),
      ...(engine.parameters.systemPrompt !== undefined
        ? { systemPrompt: engine.parameters.systemPrompt }
        : {}),
    };
    const kind: ProviderKindName = engine.provider;
    switch (kind) {
      case 'openai-compatible':
        return {
          provider: this.openAiCompatible,
          request: {
            ...(engine.baseUrl ? { baseUrl: engine.baseUrl } : {}),
            ...(input.apiKey ? { apiKey: input.apiKey } : {}),
            model: engine.model,
            prompt: input.prompt,
            parameters,
          },
        };
      case 'demo':
        return {
          provider: this.openAiCompatible,
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
      case 'openai':
      case 'anthropic':
      case 'gemini':
      case 'perplexity':
        throw new ProviderError(
          'invalid_request',
          `provider kind ${kind} is not supported by this version yet`,
          {
            retryable: false,
          },
        );
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
