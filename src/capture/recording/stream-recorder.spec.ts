import type { StreamPart } from '../../llm/stream-part';
import type { LiveTextChunk } from './captured-stream';
import { StreamRecorder } from './stream-recorder';

const sentAt = new Date('2025-01-01T00:00:00.000Z');

describe('StreamRecorder', () => {
  it('builds the capture: TTFT from the first non-empty text, chunk offsets, reasoning apart, integer µs', () => {
    const parts: StreamPart[] = [
      { type: 'headers', atUs: 80_123.4, status: 200 },
      { type: 'meta', atUs: 300_000.2, model: 'deepseek-reasoner', responseId: 'r1' },
      { type: 'reasoning', atUs: 300_000.2, text: 'Think about ' },
      { type: 'reasoning', atUs: 350_000, text: 'Acme.' },
      { type: 'text', atUs: 400_000.6, text: '' },
      { type: 'text', atUs: 450_000.5, text: 'Try Ac' },
      { type: 'text', atUs: 470_250.49, text: 'me Caf\u00e9' },
      { type: 'finish', atUs: 480_000, finishReason: 'stop' },
      { type: 'usage', atUs: 480_000, inputTokens: 12 },
      { type: 'usage', atUs: 480_001, outputTokens: 4 },
    ];
    const recorder = new StreamRecorder(sentAt);
    parts.forEach((part) => recorder.record(part));
    expect(recorder.finish(true, 481_000.7)).toEqual({
      requestSentAt: sentAt,
      connectUs: null,
      headersUs: 80_123,
      ttftUs: 450_001,
      chunks: [
        { atUs: 450_001, text: 'Try Ac' },
        { atUs: 470_250, text: 'me Caf\u00e9' },
      ],
      reasoningText: 'Think about Acme.',
      citations: [],
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 4 },
      responseModel: 'deepseek-reasoner',
      responseId: 'r1',
      durationUs: 481_001,
      answerText: 'Try Acme Caf\u00e9',
      chunkEnds: [6, 13],
      chunkArrivalsUs: [450_001, 470_250],
      complete: true,
    });
  });

  it('takes the request-sent instant and the connection phase once the request went out', () => {
    const recorder = new StreamRecorder(sentAt);
    const wentOut = new Date(sentAt.getTime() + 12);
    recorder.record({ type: 'text', atUs: 5_000, text: 'a' });
    expect(recorder.sent(wentOut, 11_999.6).finish(true)).toMatchObject({
      requestSentAt: wentOut,
      connectUs: 12_000,
      ttftUs: 5_000,
    });
  });

  it('feeds listeners each text chunk as it is recorded, with its offsets', () => {
    const recorder = new StreamRecorder(sentAt);
    const seen: LiveTextChunk[] = [];
    const unsubscribe = recorder.onText((chunk) => seen.push(chunk));
    recorder.record({ type: 'text', atUs: 10, text: 'ab' });
    expect(seen).toEqual([{ index: 0, atUs: 10, text: 'ab', charStart: 0, charEnd: 2 }]);
    recorder.record({ type: 'text', atUs: 20, text: '\u{1F600}' });
    expect(seen[1]).toEqual({ index: 1, atUs: 20, text: '\u{1F600}', charStart: 2, charEnd: 4 });
    unsubscribe();
    recorder.record({ type: 'text', atUs: 30, text: 'c' });
    expect(seen).toHaveLength(2);
  });

  it('keeps a partial capture for an incomplete stream, with no usage and no finish', () => {
    const recorder = new StreamRecorder(sentAt);
    recorder.record({ type: 'text', atUs: 5_000, text: 'partial' });
    const capture = recorder.finish(false);
    expect(capture).toMatchObject({
      complete: false,
      answerText: 'partial',
      usage: null,
      finishReason: null,
      headersUs: null,
      durationUs: 5_000,
    });
  });
});
