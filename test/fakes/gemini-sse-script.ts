import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FakeWrite } from './fake-openai-server';
import { RECORDED_STREAMS_DIR } from './openai-sse-script';

/** Script builders for FakeOpenAiServer speaking Gemini's `streamGenerateContent?alt=sse` (CRLF framing). */

export const GEMINI_CRLF = '\r\n\r\n';

export interface GeminiChunkOptions {
  modelVersion?: string;
  responseId?: string;
  /** Finish reason on the last chunk; null for none (a cut stream). Default STOP. */
  finishReason?: string | null;
  promptTokens?: number;
  /** Extra fields merged into the last chunk's candidate (e.g. groundingMetadata). */
  lastCandidate?: Record<string, unknown>;
  /** Thought texts sent first, as `thought: true` parts. */
  thoughts?: readonly string[];
}

/** `data: {...}\r\n\r\n` events, one GenerateContentResponse per text, in Gemini's JSON spacing-agnostic form. */
export function geminiChunkEvents(texts: readonly string[], options: GeminiChunkOptions = {}): string[] {
  const base = {
    modelVersion: options.modelVersion ?? 'gemini-2.5-flash',
    responseId: options.responseId ?? 'resp-fake',
  };
  const prompt = options.promptTokens ?? 8;
  const chunk = (part: object, index: number, last: boolean): string => {
    const candidate: Record<string, unknown> = {
      content: { parts: [part], role: 'model' },
      index: 0,
    };
    const usage: Record<string, number> = { promptTokenCount: prompt, totalTokenCount: prompt };
    if (last) {
      if (options.finishReason !== null) candidate.finishReason = options.finishReason ?? 'STOP';
      Object.assign(candidate, options.lastCandidate);
      usage.candidatesTokenCount = index + 1;
      usage.totalTokenCount = prompt + index + 1;
    }
    return `data: ${JSON.stringify({ candidates: [candidate], usageMetadata: usage, ...base })}${GEMINI_CRLF}`;
  };
  const events = (options.thoughts ?? []).map((text, i) => chunk({ text, thought: true }, i, false));
  texts.forEach((text, i) => events.push(chunk({ text }, i, i === texts.length - 1)));
  return events;
}

/**
 * One write per recorded `data:` line, re-framed with Gemini's CRLF separator. The committed fixtures are
 * not all byte-faithful: `gemini/stream-basic-text-1.sse` has lost its blank lines (events separated by a
 * single `\n`), which no SSE parser would split; re-framing restores the wire shape of the others.
 */
export function replayGeminiRecorded(file: string, delayMs: number): FakeWrite[] {
  return recordedDataLines(file).map((line) => ({ delayMs, bytes: `${line}${GEMINI_CRLF}` }));
}

export interface RecordedGeminiAnswer {
  text: string;
  reasoning: string;
  finishReasons: string[];
  groundingMetadata: Record<string, unknown> | null;
}

/** What a recorded Gemini stream should produce, read line by line independently of the adapter. */
export function recordedGeminiAnswer(file: string): RecordedGeminiAnswer {
  const answer: RecordedGeminiAnswer = {
    text: '',
    reasoning: '',
    finishReasons: [],
    groundingMetadata: null,
  };
  for (const line of recordedDataLines(file)) {
    const chunk = JSON.parse(line.slice('data:'.length)) as {
      candidates?: {
        content?: { parts?: { text?: string; thought?: boolean }[] };
        finishReason?: string;
        groundingMetadata?: Record<string, unknown>;
      }[];
    };
    const candidate = chunk.candidates?.[0];
    for (const part of candidate?.content?.parts ?? []) {
      if (part.thought === true) answer.reasoning += part.text ?? '';
      else answer.text += part.text ?? '';
    }
    if (candidate?.finishReason !== undefined) answer.finishReasons.push(candidate.finishReason);
    if (candidate?.groundingMetadata?.groundingChunks !== undefined) {
      answer.groundingMetadata = candidate.groundingMetadata;
    }
  }
  return answer;
}

function recordedDataLines(file: string): string[] {
  const text = readFileSync(path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  return text.split(/\r\n|\r|\n/).filter((line) => line.startsWith('data:'));
}
