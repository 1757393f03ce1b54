import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../../config/app-config';
import { APP_CONFIG } from '../../config/config.module';
import { type EngineTestOutcome, type EngineTestView } from '../../engines/dto/engine.dto';
import { type EngineTestTarget } from '../../engines/engine.service';
import { EgressBlockedError } from '../../llm/http/egress-guard';
import { SystemMonotonicClock } from '../../llm/monotonic-clock';
import { ProviderError, type ProviderErrorCode } from '../../llm/provider-error';
import { ProviderRegistry } from '../execution/provider-registry';

/** The question a connection test asks: short, and cheap to answer. */
export const TEST_PROMPT = 'Reply with the single word OK.';
/** Enough for "OK" from any model; the provider bills this call, streamrank records nothing. */
export const TEST_MAX_TOKENS = 16;
/** A test answers within this even when the run deadline is longer: someone is waiting on the button. */
const TEST_DEADLINE_MS = 30_000;
const REPLY_CHARS = 200;

/** Socket errors that mean the request never reached a server. */
const CONNECT_ERRORS = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'ECONNABORTED',
]);

const OUTCOME_OF: Record<ProviderErrorCode, EngineTestOutcome> = {
  auth_failed: 'auth',
  quota_exhausted: 'quota',
  rate_limited: 'rate_limited',
  invalid_request: 'invalid_request',
  server_error: 'server_error',
  overloaded: 'server_error',
  stream_error: 'stream_error',
  truncated: 'stream_error',
  connection_reset: 'stream_error',
  stalled: 'timeout',
  deadline_exceeded: 'timeout',
  aborted: 'timeout',
};

/**
 * One short real call through the adapters runs use (ProviderRegistry: the same clients, egress guard,
 * redirect refusal, idle timeout and credential scrubbing), classified with the runs' error classes. It
 * stores nothing: no run, no attempt, no usage, and the engine is neither disabled nor re-enabled by it.
 *
 * The call keeps the engine's protocol settings (model, base URL, API flavour, temperature, system prompt)
 * and drops what makes a call expensive: max tokens 16, no web search, no thinking budget.
 */
@Injectable()
export class EngineConnectionTester {
  constructor(
    private readonly registry: ProviderRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async test(target: EngineTestTarget): Promise<EngineTestView> {
    const { webSearch: _w, thinkingBudgetTokens: _t, ...kept } = target.engine.parameters;
    const engine = { ...target.engine, parameters: { ...kept, maxTokens: TEST_MAX_TOKENS } };
    const clock = new SystemMonotonicClock();
    const deadlineMs = Math.min(this.config.RUN_DEADLINE_MS, TEST_DEADLINE_MS);
    const signal = AbortSignal.timeout(deadlineMs);
    let ttftUs: number | null = null;
    let model: string | null = null;
    let reply = '';
    try {
      const resolved = await this.registry.resolve({
        engine,
        apiKey: target.apiKey,
        prompt: TEST_PROMPT,
        brandNames: [],
        runId: randomUUID(),
      });
      for await (const part of resolved.provider.stream(resolved.request, { signal, clock })) {
        if (part.type === 'meta' && part.model) model = part.model;
        if (part.type === 'text') {
          ttftUs ??= part.atUs;
          if (reply.length < REPLY_CHARS) reply += part.text;
        }
      }
    } catch (error) {
      return failure(error, clock, signal.aborted ? deadlineMs : null);
    }
    return {
      outcome: 'ok',
      errorCode: null,
      httpStatus: 200,
      message: reply.trim() === '' ? 'Connected; the answer had no text' : 'Connected; the engine answered',
      latencyMs: elapsedMs(clock),
      ttftMs: ttftUs === null ? null : Math.round(ttftUs / 1000),
      model,
      reply: reply.slice(0, REPLY_CHARS),
    };
  }
}

/** Node refuses to send a header holding these (a key with non-ASCII characters, say): nothing left. */
const UNSENDABLE_HEADER = new Set(['ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN']);
const NOTHING = { httpStatus: null, latencyMs: null, ttftMs: null, model: null, reply: null };

function failure(
  error: unknown,
  clock: SystemMonotonicClock,
  timedOutAfterMs: number | null,
): EngineTestView {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (!(error instanceof ProviderError) && code !== undefined && UNSENDABLE_HEADER.has(code)) {
    const message =
      'the request could not be sent: the API key or a header holds characters HTTP does not allow';
    return { ...NOTHING, outcome: 'invalid_request', errorCode: 'invalid_request', message };
  }
  if (!(error instanceof ProviderError)) throw error;
  const base = {
    errorCode: error.code,
    httpStatus: error.httpStatus ?? null,
    latencyMs: clock.connectUs === null ? null : elapsedMs(clock),
    ttftMs: null,
    model: null,
    reply: null,
  };
  if (timedOutAfterMs !== null && error.code === 'aborted') {
    return { ...base, outcome: 'timeout', message: `no complete answer within ${timedOutAfterMs} ms` };
  }
  return { ...base, outcome: outcomeOf(error), message: error.message };
}

export function outcomeOf(error: ProviderError): EngineTestOutcome {
  if (error instanceof EgressBlockedError) return 'egress_refused';
  if (error.code === 'connection_reset' && error.httpStatus === undefined) {
    const code = (error.cause as NodeJS.ErrnoException | undefined)?.code;
    if (code !== undefined && CONNECT_ERRORS.has(code)) return 'unreachable';
  }
  return OUTCOME_OF[error.code];
}

function elapsedMs(clock: SystemMonotonicClock): number {
  return Math.round(clock.nowUs() / 1000);
}
