import { randomBytes } from 'node:crypto';
import { AnthropicProvider } from '../../src/llm/anthropic/anthropic.provider';
import { GeminiProvider } from '../../src/llm/gemini/gemini.provider';
import type { LlmProvider, LlmRequest } from '../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../src/llm/monotonic-clock';
import { OllamaNativeProvider } from '../../src/llm/ollama/ollama-native.provider';
import { OpenAiCompatibleProvider } from '../../src/llm/openai-compatible/openai-compatible.provider';
import { OpenAiProvider } from '../../src/llm/openai/openai.provider';
import { PerplexityProvider } from '../../src/llm/perplexity/perplexity.provider';
import { buildProviders, type ProviderKey } from '../../src/llm/provider-adapters';
import { ProviderError } from '../../src/llm/provider-error';
import { ANTHROPIC_MESSAGES_PATH, anthropicEvent, messageStart } from '../fakes/anthropic-sse-script';
import { FakeOpenAiServer, type FakeScript } from '../fakes/fake-openai-server';

/**
 * Every adapter, over real HTTP, against a provider that quotes the credential back: in a 401 body and in an
 * in-band error event. The bare adapter's error carries the key (so the test can fail); the adapters the
 * service builds (buildProviders) throw the same error without it.
 */
describe('provider errors never carry the credential (real HTTP, every adapter)', () => {
  const server = new FakeOpenAiServer();
  let root: string;
  // No vendor prefix: only the known-credential scrub can catch it, not the key-shape patterns.
  const key = `live-credential-${randomBytes(12).toString('hex')}`;
  const built = buildProviders({ allowPrivate: true, idleTimeoutMs: 10_000, deadlineMs: 20_000 });

  beforeAll(async () => {
    root = `http://127.0.0.1:${(await server.start()).port}`;
  });
  afterAll(() => server.stop());

  const echo401 = (): FakeScript => ({
    status: 401,
    headers: { 'content-type': 'application/json' },
    writes: [
      {
        delayMs: 0,
        bytes: JSON.stringify({
          error: {
            message: `Incorrect API key provided: ${key}. You can find your API key at https://x.example.`,
            type: 'invalid_request_error',
            code: 'invalid_api_key',
            status: 'UNAUTHENTICATED',
          },
          type: 'error',
        }),
      },
    ],
  });

  const cases: {
    adapter: ProviderKey;
    bare: () => LlmProvider;
    baseUrl: () => string;
    path: string;
    model?: string;
    parameters?: LlmRequest['parameters'];
  }[] = [
    {
      adapter: 'openai',
      bare: () => new OpenAiProvider(),
      baseUrl: () => `${root}/v1`,
      path: '/v1/responses',
      parameters: { api: 'responses' },
    },
    {
      adapter: 'anthropic',
      bare: () => new AnthropicProvider(),
      baseUrl: () => `${root}/v1`,
      path: ANTHROPIC_MESSAGES_PATH,
    },
    {
      adapter: 'gemini',
      bare: () => new GeminiProvider(),
      baseUrl: () => `${root}/v1beta`,
      path: '/v1beta/models/gemini-fake:streamGenerateContent',
      model: 'gemini-fake',
    },
    {
      adapter: 'perplexity',
      bare: () => new PerplexityProvider(),
      baseUrl: () => root,
      path: '/chat/completions',
    },
    {
      adapter: 'openai-compatible',
      bare: () => new OpenAiCompatibleProvider(),
      baseUrl: () => `${root}/v1`,
      path: '/v1/chat/completions',
    },
    {
      adapter: 'ollamaNative',
      bare: () => new OllamaNativeProvider(),
      baseUrl: () => root,
      path: '/api/chat',
    },
  ];

  async function failure(provider: LlmProvider, req: LlmRequest): Promise<ProviderError> {
    const ctx = { signal: new AbortController().signal, clock: new SystemMonotonicClock() };
    try {
      for await (const part of provider.stream(req, ctx)) void part;
    } catch (error) {
      if (error instanceof ProviderError) return error;
      throw error;
    }
    throw new Error('the stream did not fail');
  }

  it.each(cases)('$adapter: a 401 body quoting the key', async (c) => {
    const req: LlmRequest = {
      baseUrl: c.baseUrl(),
      apiKey: key,
      model: c.model ?? 'fake-model',
      prompt: 'Best CRM?',
      parameters: c.parameters ?? {},
    };
    server.enqueue(echo401(), c.path);
    const bare = await failure(c.bare(), req);
    expect(bare.message).toContain(key);

    server.enqueue(echo401(), c.path);
    const scrubbed = await failure(built[c.adapter], req);
    expect(scrubbed.message).not.toContain(key);
    expect(scrubbed.message).toContain('Incorrect API key provided: [redacted]');
    expect(scrubbed.stack).not.toContain(key);
    // The verdict is the bare adapter's.
    expect({ code: scrubbed.code, retryable: scrubbed.retryable, httpStatus: scrubbed.httpStatus }).toEqual({
      code: bare.code,
      retryable: bare.retryable,
      httpStatus: bare.httpStatus,
    });
  });

  it('openai-compatible and anthropic: an in-band error event quoting the key', async () => {
    const base = { apiKey: key, model: 'fake-model', prompt: 'Best CRM?', parameters: {} };
    const openAiEcho = `event: error\ndata: ${JSON.stringify({ error: { message: `key ${key} revoked`, type: 'invalid_request_error' } })}\n\n`;
    const anthropicEcho =
      messageStart() +
      anthropicEvent({ type: 'error', error: { type: 'authentication_error', message: `bad key ${key}` } });
    for (const [adapter, bare, path, bytes] of [
      ['openai-compatible', new OpenAiCompatibleProvider(), '/v1/chat/completions', openAiEcho],
      ['anthropic', new AnthropicProvider(), ANTHROPIC_MESSAGES_PATH, anthropicEcho],
    ] as const) {
      const req = { ...base, baseUrl: `${root}/v1` };
      server.enqueue({ writes: [{ delayMs: 0, bytes }] }, path);
      expect((await failure(bare, req)).message).toContain(key);
      server.enqueue({ writes: [{ delayMs: 0, bytes }] }, path);
      const scrubbed = await failure(built[adapter], req);
      expect(scrubbed.code).toBe('stream_error');
      expect(scrubbed.message).not.toContain(key);
      expect(scrubbed.message).toContain('[redacted]');
    }
  });
});
