import { isRecord } from '../json-record';
import { ProviderError } from '../provider-error';
import type { StreamPart } from '../stream-part';

/** Longest provider message we quote in an error. */
const MAX_MESSAGE_CHARS = 500;

export interface OllamaLineResult {
  parts: StreamPart[];
  /** The line was the final `"done": true` object: the stream completed. */
  done: boolean;
}

/**
 * Maps one line of Ollama's native `/api/chat` NDJSON stream (docs/wire-formats.md, "Ollama native") to
 * stream parts. Stateful only to emit `meta` once.
 *
 * - `message.content` is answer text; `message.thinking` is reasoning, kept apart. Empty strings are dropped.
 * - The final `done: true` object carries `done_reason` (`stop`, `length`; `load` means the model was only
 *   loaded, which is a normal end and maps to `stop`; anything else passes through verbatim) and the counts
 *   `prompt_eval_count` / `eval_count` (usage). Its durations (ns) are ignored.
 * - `{"error": "..."}` (status still 200) is an in-band error: `stream_error`. It is retryable: Ollama reports
 *   request problems as HTTP errors before streaming, so a mid-stream error is a runner failure (crash, out
 *   of memory, unloaded model) that usually does not recur.
 */
export class OllamaChatLineParser {
  private metaEmitted = false;

  parse(line: string, atUs: number): OllamaLineResult {
    let payload: unknown;
    try {
      payload = JSON.parse(line);
    } catch (error) {
      throw new ProviderError('stream_error', 'malformed JSON line in NDJSON stream', {
        retryable: false,
        cause: error,
      });
    }
    if (!isRecord(payload)) {
      throw new ProviderError('stream_error', 'stream line is not a JSON object', { retryable: false });
    }
    if (payload.error !== undefined && payload.error !== null) throw inBandError(payload.error);

    const parts: StreamPart[] = [];
    if (!this.metaEmitted && typeof payload.model === 'string') {
      this.metaEmitted = true;
      parts.push({ type: 'meta', atUs, model: payload.model });
    }
    const message = isRecord(payload.message) ? payload.message : {};
    const thinking = message.thinking;
    if (typeof thinking === 'string' && thinking !== '') {
      parts.push({ type: 'reasoning', atUs, text: thinking });
    }
    const content = message.content;
    if (typeof content === 'string' && content !== '') parts.push({ type: 'text', atUs, text: content });

    if (payload.done !== true) return { parts, done: false };

    if (typeof payload.done_reason === 'string' && payload.done_reason !== '') {
      const finishReason = payload.done_reason === 'load' ? 'stop' : payload.done_reason;
      parts.push({ type: 'finish', atUs, finishReason });
    }
    const input = payload.prompt_eval_count;
    const output = payload.eval_count;
    if (typeof input === 'number' || typeof output === 'number') {
      parts.push({
        type: 'usage',
        atUs,
        ...(typeof input === 'number' ? { inputTokens: input } : {}),
        ...(typeof output === 'number' ? { outputTokens: output } : {}),
      });
    }
    return { parts, done: true };
  }
}

function inBandError(error: unknown): ProviderError {
  const message =
    typeof error === 'string'
      ? error
      : isRecord(error) && typeof error.message === 'string'
        ? error.message
        : 'unknown error';
  return new ProviderError('stream_error', `in-stream error: ${message.slice(0, MAX_MESSAGE_CHARS)}`, {
    retryable: true,
  });
}
