import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRecord } from '../json-record';
import { type DemoAnswer, DemoAnswerGenerator, type DemoAnswerInput } from './demo-answer-generator';

export interface DemoEngineServerOptions {
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Multiplies every delay; tests use e.g. 0.02 to run the same schedule fifty times faster. */
  timeScale?: number;
}

export const DEMO_MODEL = 'streamrank-demo';
/** Marks every demo response as synthetic on the wire, so no demo number can pass for a measurement. */
export const DEMO_SYSTEM_FINGERPRINT = 'streamrank-demo-synthetic';
export const DEMO_SYNTHETIC_HEADER = 'x-streamrank-synthetic';

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_BRANDS = 200;

/**
 * The `demo` engine: a local OpenAI-compatible Chat Completions server that streams synthetic answers
 * naming the requested brands. It speaks the exact SSE wire format (role chunk, content chunks, finish chunk,
 * usage chunk, `data: [DONE]`) so demo runs go through the same HTTP client, SSE decoder and recorder as
 * real providers; nothing in the capture path knows it is a demo.
 *
 * Request extension: `streamrank_demo: { brands: string[]; seed: string }` in the JSON body.
 */
export class DemoEngineServer {
  private server: http.Server | null = null;
  private readonly timeScale: number;
  private requestCount = 0;

  constructor(private readonly options: DemoEngineServerOptions = {}) {
    this.timeScale = options.timeScale ?? 1;
  }

  async start(): Promise<{ baseUrl: string }> {
    if (this.server !== null) throw new Error('DemoEngineServer already started');
    const server = http.createServer((req, res) => this.handle(req, res));
    this.server = server;
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const { port } = server.address() as AddressInfo;
    return { baseUrl: `http://${host}:${port}/v1` };
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST' || !(req.url ?? '').split('?')[0]?.endsWith('/chat/completions')) {
      sendError(res, 404, 'invalid_request_error', 'the demo engine serves only POST /v1/chat/completions');
      return;
    }
    const parts: Buffer[] = [];
    let size = 0;
    req.on('data', (bytes: Buffer) => {
      size += bytes.length;
      if (size <= MAX_BODY_BYTES) parts.push(bytes);
    });
    req.on('end', () => {
      if (size > MAX_BODY_BYTES) {
        sendError(res, 413, 'invalid_request_error', 'request body too large');
        return;
      }
      const parsed = parseRequest(Buffer.concat(parts).toString('utf8'));
      if (typeof parsed === 'string') {
        sendError(res, 400, 'invalid_request_error', parsed);
        return;
      }
      this.stream(res, DemoAnswerGenerator.generate(parsed));
    });
  }

  private stream(res: ServerResponse, answer: DemoAnswer): void {
    this.requestCount += 1;
    const id = `chatcmpl-demo-${Date.now().toString(36)}-${this.requestCount}`;
    const created = Math.floor(Date.now() / 1000);
    const chunk = (choices: unknown[], usage: unknown = null): string =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: DEMO_MODEL,
        system_fingerprint: DEMO_SYSTEM_FINGERPRINT,
        choices,
        usage,
      })}\n\n`;
    const content = (delta: Record<string, unknown>, finishReason: string | null = null): string =>
      chunk([{ index: 0, delta, logprobs: null, finish_reason: finishReason }]);

    // Each step runs after its delay; the chain stops if the client goes away.
    const steps: { delayMs: number; run: () => void }[] = [
      {
        delayMs: answer.headersDelayMs,
        run: () => {
          res.writeHead(200, {
            'content-type': 'text/event-stream; charset=utf-8',
            'cache-control': 'no-cache',
            'x-request-id': id,
            [DEMO_SYNTHETIC_HEADER]: '1',
          });
          res.flushHeaders();
        },
      },
    ];
    answer.chunks.forEach((demoChunk, index) =>
      steps.push({
        delayMs: demoChunk.delayMs,
        run: () => {
          // OpenAI sends the role chunk together with the first token, so it does not move TTFT.
          if (index === 0) res.write(content({ role: 'assistant', content: '' }));
          res.write(content({ content: demoChunk.text }));
        },
      }),
    );
    steps.push({
      delayMs: 2,
      run: () => {
        res.write(content({}, answer.finishReason));
        res.write(
          chunk([], {
            prompt_tokens: answer.promptTokens,
            completion_tokens: answer.completionTokens,
            total_tokens: answer.promptTokens + answer.completionTokens,
          }),
        );
        res.end('data: [DONE]\n\n');
      },
    });

    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    res.on('close', () => {
      closed = true;
      clearTimeout(timer);
    });
    const runFrom = (index: number): void => {
      const step = steps[index];
      if (step === undefined || closed) return;
      timer = setTimeout(
        () => {
          step.run();
          runFrom(index + 1);
        },
        Math.max(0, step.delayMs * this.timeScale),
      );
    };
    runFrom(0);
  }
}

function parseRequest(body: string): DemoAnswerInput | string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return 'request body is not valid JSON';
  }
  if (!isRecord(json)) return 'request body must be a JSON object';
  if (json.stream !== true) return 'the demo engine only supports stream: true';
  const messages = Array.isArray(json.messages) ? json.messages.filter(isRecord) : [];
  const lastUser = messages.filter((message) => message.role === 'user').at(-1);
  if (lastUser === undefined) return 'messages must contain a user message';
  const prompt = messageText(lastUser.content);
  const demo = isRecord(json.streamrank_demo) ? json.streamrank_demo : {};
  const brands = demo.brands ?? [];
  if (
    !Array.isArray(brands) ||
    brands.length > MAX_BRANDS ||
    !brands.every((brand) => typeof brand === 'string')
  ) {
    return `streamrank_demo.brands must be an array of at most ${MAX_BRANDS} strings`;
  }
  const seed = demo.seed ?? 'streamrank-demo';
  if (typeof seed !== 'string') return 'streamrank_demo.seed must be a string';
  const maxTokens = json.max_tokens ?? json.max_completion_tokens;
  return {
    seed,
    prompt,
    brands,
    ...(typeof maxTokens === 'number' ? { maxTokens } : {}),
  };
}

function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  // Content-part arrays: only the text parts matter to the demo.
  return content
    .filter(isRecord)
    .map((part) => (part.type === 'text' && typeof part.text === 'string' ? part.text : ''))
    .join('');
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json', [DEMO_SYNTHETIC_HEADER]: '1' });
  res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
}
