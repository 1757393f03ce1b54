import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RECORDED_STREAMS_DIR } from './openai-sse-script';

/** Script builders for FakeOpenAiServer speaking the OpenAI Responses API stream (docs/wire-formats.md). */

export interface ResponsesEventsOptions {
  model?: string;
  id?: string;
  /** The terminal event (default `completed`); `none` leaves the stream without one (a truncation). */
  ending?: 'completed' | 'incomplete' | 'none';
  /** `incomplete_details.reason` for `ending: 'incomplete'` (default `max_output_tokens`). */
  incompleteReason?: string;
  usage?: { input_tokens: number; output_tokens: number };
}

/** `event: <type>\ndata: <json>\n\n` with the same `type` in both, as the API sends it. */
export function responsesEvent(body: { type: string } & Record<string, unknown>): string {
  return `event: ${body.type}\ndata: ${JSON.stringify(body)}\n\n`;
}

/**
 * A text-only Responses stream in the recorded order: created, in_progress, output_item.added,
 * content_part.added, one `response.output_text.delta` per text, output_text.done, content_part.done,
 * output_item.done and the terminal event. `sequence_number` counts up from 0.
 */
export function responsesTextEvents(
  texts: readonly string[],
  options: ResponsesEventsOptions = {},
): string[] {
  let sequence = 0;
  const event = (type: string, fields: Record<string, unknown>): string =>
    responsesEvent({ type, sequence_number: sequence++, ...fields });
  const id = options.id ?? 'resp_fake';
  const model = options.model ?? 'gpt-fake-2025';
  const response = (status: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    id,
    object: 'response',
    created_at: 1735000000,
    status,
    model,
    output: [],
    usage: null,
    incomplete_details: null,
    ...extra,
  });
  const itemId = 'msg_fake';
  const full = texts.join('');
  const events = [
    event('response.created', { response: response('in_progress') }),
    event('response.in_progress', { response: response('in_progress') }),
    event('response.output_item.added', {
      output_index: 0,
      item: { id: itemId, type: 'message', status: 'in_progress', content: [], role: 'assistant' },
    }),
    event('response.content_part.added', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', annotations: [], text: '' },
    }),
    ...texts.map((delta) =>
      event('response.output_text.delta', {
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        delta,
        logprobs: [],
      }),
    ),
    event('response.output_text.done', { item_id: itemId, output_index: 0, content_index: 0, text: full }),
    event('response.content_part.done', {
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: 'output_text', annotations: [], text: full },
    }),
    event('response.output_item.done', {
      output_index: 0,
      item: {
        id: itemId,
        type: 'message',
        status: 'completed',
        content: [{ type: 'output_text', annotations: [], text: full }],
        role: 'assistant',
      },
    }),
  ];
  const usage = options.usage ?? { input_tokens: 12, output_tokens: texts.length };
  const withUsage = { usage: { ...usage, total_tokens: usage.input_tokens + usage.output_tokens } };
  const ending = options.ending ?? 'completed';
  if (ending === 'completed') {
    events.push(event('response.completed', { response: response('completed', withUsage) }));
  } else if (ending === 'incomplete') {
    const reason = options.incompleteReason ?? 'max_output_tokens';
    events.push(
      event('response.incomplete', {
        response: response('incomplete', { ...withUsage, incomplete_details: { reason } }),
      }),
    );
  }
  return events;
}

export interface RecordedResponses {
  /** Concatenated `response.output_text.delta` values. */
  text: string;
  /** Concatenated reasoning text and reasoning summary deltas. */
  reasoning: string;
  /** `response.output_text.done` texts, joined. */
  doneText: string;
  citations: { url: string; title?: string; start_index: number; end_index: number }[];
  model: string | null;
  responseId: string | null;
  usage: { input_tokens: number; output_tokens: number } | null;
}

/**
 * What a recorded Responses stream should produce, read line by line from the file (independently of the
 * provider's SSE decoder and parser).
 */
export function recordedResponses(file: string): RecordedResponses {
  const raw = readFileSync(path.join(RECORDED_STREAMS_DIR, file), 'utf8');
  const result: RecordedResponses = {
    text: '',
    reasoning: '',
    doneText: '',
    citations: [],
    model: null,
    responseId: null,
    usage: null,
  };
  for (const line of raw.split(/\r?\n/)) {
    if (!line.startsWith('data: {')) continue;
    const event = JSON.parse(line.slice('data: '.length)) as {
      type: string;
      delta?: string;
      text?: string;
      annotation?: RecordedResponses['citations'][number] & { type: string };
      response?: { id: string; model: string; usage: RecordedResponses['usage'] };
    };
    if (event.type === 'response.output_text.delta') result.text += event.delta ?? '';
    if (
      event.type === 'response.reasoning_text.delta' ||
      event.type === 'response.reasoning_summary_text.delta'
    ) {
      result.reasoning += event.delta ?? '';
    }
    if (event.type === 'response.output_text.done') result.doneText += event.text ?? '';
    if (event.type === 'response.output_text.annotation.added' && event.annotation?.type === 'url_citation') {
      const { url, title, start_index, end_index } = event.annotation;
      result.citations.push({ url, ...(title === undefined ? {} : { title }), start_index, end_index });
    }
    if (event.type === 'response.created' && event.response !== undefined) {
      result.model = event.response.model;
      result.responseId = event.response.id;
    }
    if (event.type === 'response.completed') result.usage = event.response?.usage ?? null;
  }
  return result;
}
