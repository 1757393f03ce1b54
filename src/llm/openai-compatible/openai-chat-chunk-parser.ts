import { isRecord } from '../json-record';
import { ProviderError } from '../provider-error';
import type { StreamPart } from '../stream-part';

/**
 * Maps one parsed `chat.completion.chunk` payload (docs/wire-formats.md, "OpenAI Chat Completions") to
 * stream parts. Stateful only to emit `meta` once. Unknown fields are ignored: gateways add their own
 * (`obfuscation`, `x_groq`, cache counters).
 */
export class OpenAiChatChunkParser {
  private metaEmitted = false;

  parse(payload: unknown, atUs: number): StreamPart[] {
    if (!isRecord(payload)) {
      throw new ProviderError('stream_error', 'stream chunk is not a JSON object', { retryable: false });
    }
    if (payload.error !== undefined && payload.error !== null) throw inBandError(payload.error);

    const parts: StreamPart[] = [];
    if (!this.metaEmitted && (typeof payload.model === 'string' || typeof payload.id === 'string')) {
      this.metaEmitted = true;
      parts.push({
        type: 'meta',
        atUs,
        ...(typeof payload.model === 'string' ? { model: payload.model } : {}),
        ...(typeof payload.id === 'string' ? { responseId: payload.id } : {}),
      });
    }

    const choice = firstChoice(payload.choices);
    if (choice !== undefined) {
      const delta = isRecord(choice.delta) ? choice.delta : {};
      // DeepSeek and vLLM use `reasoning_content`; OpenRouter and Ollama's /v1 use `reasoning`.
      const reasoning = stringField(delta, 'reasoning_content') ?? stringField(delta, 'reasoning');
      if (reasoning !== undefined) parts.push({ type: 'reasoning', atUs, text: reasoning });
      const content = stringField(delta, 'content');
      if (content !== undefined) parts.push({ type: 'text', atUs, text: content });
      // A refusal is what the reader sees in place of an answer, so it is answer text for measurement.
      const refusal = stringField(delta, 'refusal');
      if (refusal !== undefined) parts.push({ type: 'text', atUs, text: refusal });
      if (typeof choice.finish_reason === 'string' && choice.finish_reason !== '') {
        parts.push({ type: 'finish', atUs, finishReason: choice.finish_reason });
      }
    }

    // `usage` is null or absent on every chunk but the last with include_usage; DeepSeek and Groq put
    // it on the finish chunk instead of a separate `choices: []` chunk.
    if (isRecord(payload.usage)) {
      const input = payload.usage.prompt_tokens;
      const output = payload.usage.completion_tokens;
      parts.push({
        type: 'usage',
        atUs,
        ...(typeof input === 'number' ? { inputTokens: input } : {}),
        ...(typeof output === 'number' ? { outputTokens: output } : {}),
      });
    }
    return parts;
  }
}

function firstChoice(choices: unknown): Record<string, unknown> | undefined {
  if (!Array.isArray(choices)) return undefined;
  // We request n=1, so only choice 0 is ours; a server numbering choices oddly still gets its first one.
  const records = choices.filter(isRecord);
  return records.find((choice) => choice.index === 0) ?? records[0];
}

/** Empty strings are dropped: role chunks carry `content: ""` and must never count as the first token. */
function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function inBandError(error: unknown): ProviderError {
  const record = isRecord(error) ? error : {};
  const message =
    typeof record.message === 'string' ? record.message : typeof error === 'string' ? error : 'unknown error';
  const type =
    typeof record.type === 'string' ? record.type : typeof record.code === 'string' ? record.code : '';
  // Only server-side faults are worth another attempt; a context-length error will fail the same way again.
  const retryable = type === 'server_error' || type === 'overloaded_error' || type === 'internal_error';
  return new ProviderError(
    'stream_error',
    `in-stream error${type === '' ? '' : ` (${type})`}: ${message.slice(0, 500)}`,
    {
      retryable,
    },
  );
}
