/**
 * Capture timestamp accuracy per provider kind (`npm run bench:capture`).
 *
 * For each adapter, a fake server (test/fakes, real HTTP on loopback) streams STREAMS answers of CHUNKS
 * content events in that provider's exact wire format, with random 5-40 ms gaps between writes; the real
 * adapter and StreamCapture record them. For every captured text part, the error is (captured arrival offset)
 * - (the moment the write that carried it returned on the server), both on the same performance clock and
 * relative to the capture's request-sent instant. The carrying write is the last one before the arrival (the
 * gaps are far wider than the loopback latency, so the match is unambiguous).
 *
 * Server and client share one process and event loop here, the pessimistic case for the client. The last
 * stdout line is one JSON object; `target` is the 5 ms |error| tolerance the e2e tests assert, `measured` the
 * worst per-provider p99 |error| in µs.
 */
import { StreamCapture } from '../src/capture/stream-capture';
import { AnthropicProvider } from '../src/llm/anthropic/anthropic.provider';
import { GeminiProvider } from '../src/llm/gemini/gemini.provider';
import { type LlmProvider, type LlmRequestParameters } from '../src/llm/llm-provider';
import { SystemMonotonicClock } from '../src/llm/monotonic-clock';
import { OllamaNativeProvider } from '../src/llm/ollama/ollama-native.provider';
import { OpenAiCompatibleProvider } from '../src/llm/openai-compatible/openai-compatible.provider';
import { OpenAiProvider } from '../src/llm/openai/openai.provider';
import { PerplexityProvider } from '../src/llm/perplexity/perplexity.provider';
import { percentile } from '../src/scoring/statistics';
import { anthropicTextEvents } from '../test/fakes/anthropic-sse-script';
import { FakeOpenAiServer } from '../test/fakes/fake-openai-server';
import { geminiChunkEvents } from '../test/fakes/gemini-sse-script';
import { NDJSON_HEADERS, ollamaLines } from '../test/fakes/ndjson-script';
import { responsesTextEvents } from '../test/fakes/openai-responses-script';
import { openAiChunkEvents } from '../test/fakes/openai-sse-script';
import { perplexityEvents } from '../test/fakes/perplexity-sse-script';

const STREAMS = Number(process.env.BENCH_STREAMS ?? 20);
const CHUNKS = Number(process.env.BENCH_CHUNKS ?? 40);

interface Kind {
  name: string;
  provider: (baseUrl: string) => LlmProvider;
  path: string;
  events: (texts: string[]) => string[];
  headers?: Record<string, string>;
  model?: string;
  parameters?: LlmRequestParameters;
  baseUrl?: (root: string) => string;
}

const KINDS: Kind[] = [
  {
    name: 'openai-compatible',
    provider: () => new OpenAiCompatibleProvider(),
    path: '/v1/chat/completions',
    events: (t) => openAiChunkEvents(t),
  },
  {
    name: 'openai (responses)',
    provider: () => new OpenAiProvider(),
    path: '/v1/responses',
    events: (t) => responsesTextEvents(t),
    parameters: { api: 'responses' },
  },
  {
    name: 'anthropic',
    provider: () => new AnthropicProvider(),
    path: '/v1/messages',
    events: (t) => anthropicTextEvents(t),
  },
  {
    name: 'gemini',
    provider: () => new GeminiProvider(),
    path: '/v1/models/gemini-fake:streamGenerateContent',
    events: (t) => geminiChunkEvents(t),
    model: 'gemini-fake',
  },
  {
    name: 'perplexity',
    provider: () => new PerplexityProvider(),
    path: '/v1/chat/completions',
    events: (t) => perplexityEvents(t),
  },
  {
    name: 'ollama (native)',
    provider: () => new OllamaNativeProvider(),
    path: '/api/chat',
    events: (t) => ollamaLines(t),
    headers: NDJSON_HEADERS,
    baseUrl: (root) => root.replace(/\/v1$/, ''),
  },
];

async function measure(kind: Kind, server: FakeOpenAiServer, baseUrl: string): Promise<number[]> {
  const provider = kind.provider(baseUrl);
  const errorsUs: number[] = [];
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let s = 0; s < STREAMS; s++) {
    const texts = Array.from({ length: CHUNKS }, (_, i) => `word${i} `);
    const writes = kind.events(texts).map((bytes) => ({ delayMs: 5 + Math.floor(rand() * 35), bytes }));
    const exchange = server.enqueue(
      { writes, ...(kind.headers ? { headers: kind.headers } : {}) },
      kind.path,
    ).finished;
    const clock = new SystemMonotonicClock();
    const { capture, error } = await StreamCapture.run(
      provider,
      {
        baseUrl: kind.baseUrl ? kind.baseUrl(baseUrl) : baseUrl,
        apiKey: 'sk-bench',
        model: kind.model ?? 'fake',
        prompt: 'bench',
        parameters: kind.parameters ?? {},
      },
      { signal: new AbortController().signal, clock },
    );
    if (error) throw new Error(`${kind.name}: ${error.code} ${error.message}`);
    const ex = await exchange;
    const origin = performance.timeOrigin + clock.originMs;
    const writtenUs = ex.writeTimesMs.map((ms) => (ms - origin) * 1000);
    for (const atUs of capture.chunkArrivalsUs) {
      const carrier = writtenUs.filter((w) => w <= atUs + 50).pop();
      if (carrier === undefined) throw new Error(`${kind.name}: no write before an arrival`);
      errorsUs.push(atUs - carrier);
    }
  }
  return errorsUs;
}

async function main(): Promise<void> {
  const server = new FakeOpenAiServer();
  const { baseUrl } = await server.start();
  const perProvider: Record<string, { chunks: number; medianUs: number; p99Us: number; maxUs: number }> = {};
  for (const kind of KINDS) {
    const errors = await measure(kind, server, baseUrl);
    const abs = errors.map(Math.abs);
    perProvider[kind.name] = {
      chunks: errors.length,
      medianUs: Math.round(percentile(abs, 0.5) ?? 0),
      p99Us: Math.round(percentile(abs, 0.99) ?? 0),
      maxUs: Math.round(Math.max(...abs)),
    };
    const f = perProvider[kind.name]!;
    console.log(
      `${kind.name.padEnd(20)} |error| median ${f.medianUs} us, p99 ${f.p99Us} us, max ${f.maxUs} us (${f.chunks} chunks)`,
    );
  }
  await server.stop();
  const worstP99 = Math.max(...Object.values(perProvider).map((p) => p.p99Us));
  console.log(
    JSON.stringify({
      bench: 'capture',
      streamsPerProvider: STREAMS,
      chunksPerStream: CHUNKS,
      perProvider,
      target: 5000,
      measured: worstP99,
      headroom: Number((5000 / Math.max(1, worstP99)).toFixed(2)),
    }),
  );
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
