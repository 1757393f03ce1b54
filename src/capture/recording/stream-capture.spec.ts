import type { LlmProvider, LlmRequest, LlmStreamContext } from '../../llm/llm-provider';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { OpenAiCompatibleProvider } from '../../llm/openai-compatible/openai-compatible.provider';
import { ProviderError } from '../../llm/provider-error';
import type { StreamPart } from '../../llm/stream-part';
import { FakeOpenAiServer } from '../../../test/fakes/fake-openai-server';
import { openAiChunkEvents, writesOf } from '../../../test/fakes/openai-sse-script';
import { StreamCapture } from './stream-capture';

describe('StreamCapture content-idle watchdog (real HTTP against FakeOpenAiServer)', () => {
  const server = new FakeOpenAiServer();
  const provider = new OpenAiCompatibleProvider();
  let baseUrl: string;

  beforeAll(async () => {
    ({ baseUrl } = await server.start());
  });
  afterAll(() => server.stop());

  const request = (): LlmRequest => ({
    baseUrl,
    apiKey: 'sk-test',
    model: 'gpt-fake',
    prompt: 'Best CRM?',
    parameters: {},
  });
  const context = (signal = new AbortController().signal): LlmStreamContext => ({
    signal,
    clock: new SystemMonotonicClock(),
  });
  /** Role chunk and one content chunk, then an SSE comment ping every 20 ms and no more content. */
  const pingingScript = (pings: number) => {
    const [role, content] = openAiChunkEvents(['Hello']) as [string, string];
    return {
      writes: [
        { delayMs: 0, bytes: role },
        { delayMs: 5, bytes: content },
        ...writesOf(
          Array.from({ length: pings }, () => ': ping\n\n'),
          20,
        ),
      ],
      ending: 'hang' as const,
    };
  };

  it('fails a stream that sends pings but no content as stalled, keeping the partial text and closing the socket', async () => {
    const exchange = server.enqueue(pingingScript(200));
    const started = performance.now();
    const { capture, error } = await StreamCapture.run(provider, request(), context(), undefined, {
      contentIdleMs: 150,
    });
    const elapsed = performance.now() - started;
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'stalled', retryable: true });
    expect(capture.complete).toBe(false);
    expect(capture.answerText).toBe('Hello');
    expect(elapsed).toBeGreaterThanOrEqual(150);
    // Well before the pings run out (200 x 20 ms = 4 s); the bound leaves room for a busy machine's stalls.
    expect(elapsed).toBeLessThan(3000);
    const finished = await exchange.finished;
    expect(finished.closedByClient).toBe(true);
    // Pings kept flowing until the stall: the byte-level idle timeout could never have caught this.
    expect(finished.writeTimesMs.length).toBeGreaterThan(4);
    expect(finished.writeTimesMs.length).toBeLessThan(200);
  });

  it('without contentIdleMs the same stream is left to the byte-level timeouts (pings keep it alive)', async () => {
    const exchange = server.enqueue(pingingScript(15));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(new Error('test over')), 400);
    const { error } = await StreamCapture.run(
      new OpenAiCompatibleProvider({ idleTimeoutMs: 150 }),
      request(),
      context(controller.signal),
    );
    clearTimeout(timer);
    expect(error).toMatchObject({ code: 'aborted' });
    await exchange.finished;
  });

  it('leaves a normal stream with gaps shorter than contentIdleMs untouched', async () => {
    const texts = Array.from({ length: 12 }, (_, i) => ` w${i}`);
    const exchange = server.enqueue({ writes: writesOf(openAiChunkEvents(texts), 30) });
    const { capture, error } = await StreamCapture.run(provider, request(), context(), undefined, {
      contentIdleMs: 150,
    });
    expect(error).toBeNull();
    expect(capture.complete).toBe(true);
    expect(capture.answerText).toBe(texts.join(''));
    expect((await exchange.finished).closedByClient).toBe(false);
  });

  it("still reports the caller's abort as aborted, with the partial text", async () => {
    const exchange = server.enqueue(pingingScript(50));
    const controller = new AbortController();
    const onText = jest.fn(() => setTimeout(() => controller.abort(new Error('shutdown')), 30));
    const { capture, error } = await StreamCapture.run(
      provider,
      request(),
      context(controller.signal),
      onText,
      {
        contentIdleMs: 5_000,
      },
    );
    expect(error).toMatchObject({ code: 'aborted', retryable: false });
    expect(error?.message).toContain('shutdown');
    expect(capture.answerText).toBe('Hello');
    expect((await exchange.finished).closedByClient).toBe(true);
  });

  it('aborts immediately when the caller signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('too late'));
    const { error } = await StreamCapture.run(provider, request(), context(controller.signal), undefined, {
      contentIdleMs: 1_000,
    });
    expect(error).toMatchObject({ code: 'aborted' });
  });
});

describe('StreamCapture content-idle watchdog (scripted providers)', () => {
  const ctx = (): LlmStreamContext => ({
    signal: new AbortController().signal,
    clock: new SystemMonotonicClock(),
  });
  const req: LlmRequest = { model: 'm', prompt: 'p', parameters: {} };
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('counts reasoning as content and ignores empty text parts', async () => {
    let seenSignal: AbortSignal | undefined;
    const provider: LlmProvider = {
      async *stream(_req, { signal }) {
        seenSignal = signal;
        for (let i = 0; i < 6; i++) {
          await sleep(40);
          yield { type: 'reasoning', atUs: i, text: 'hmm' } satisfies StreamPart;
        }
        for (let i = 0; i < 10; i++) {
          await sleep(20);
          if (signal.aborted) throw signal.reason;
          yield { type: 'text', atUs: 10 + i, text: '' } satisfies StreamPart;
        }
      },
    };
    const outer = ctx();
    const { capture, error } = await StreamCapture.run(provider, req, outer, undefined, {
      contentIdleMs: 100,
    });
    expect(error).toMatchObject({ code: 'stalled' });
    expect(capture.reasoningText).toBe('hmm'.repeat(6));
    expect(seenSignal).not.toBe(outer.signal);
    expect(seenSignal?.aborted).toBe(true);
    expect(outer.signal.aborted).toBe(false);
  });

  it('does not hang on a provider that ignores its abort signal', async () => {
    const provider: LlmProvider = {
      async *stream() {
        yield { type: 'text', atUs: 1, text: 'partial' } satisfies StreamPart;
        await new Promise(() => undefined);
      },
    };
    const { capture, error } = await StreamCapture.run(provider, req, ctx(), undefined, {
      contentIdleMs: 50,
    });
    expect(error).toMatchObject({ code: 'stalled', retryable: true });
    expect(capture.answerText).toBe('partial');
  });

  it('maps an SDK-style AbortError after a stall to stalled, but lets other non-provider errors propagate', async () => {
    const abortingProvider: LlmProvider = {
      async *stream(_req, { signal }) {
        yield { type: 'text', atUs: 1, text: 'x' } satisfies StreamPart;
        await new Promise((_resolve, reject) =>
          signal.addEventListener('abort', () =>
            reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
          ),
        );
      },
    };
    expect(
      (await StreamCapture.run(abortingProvider, req, ctx(), undefined, { contentIdleMs: 30 })).error,
    ).toMatchObject({ code: 'stalled' });
    const buggy: LlmProvider = {
      // eslint-disable-next-line require-yield
      async *stream() {
        await Promise.resolve();
        throw new TypeError('bug');
      },
    };
    await expect(StreamCapture.run(buggy, req, ctx(), undefined, { contentIdleMs: 30 })).rejects.toThrow(
      TypeError,
    );
  });
});
