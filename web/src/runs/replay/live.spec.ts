import { describe, expect, it } from '@jest/globals';
import { applyLiveEvent, initialLiveState, parseLiveEvent, type LiveEvent, type LiveState } from './live';

const BRAND = '0b9a6f3e-1111-4222-8333-444455556666';

function apply(events: LiveEvent[], from: LiveState = initialLiveState): LiveState {
  return events.reduce(applyLiveEvent, from);
}

describe('live events', () => {
  it('parses the documented payloads and rejects others', () => {
    expect(parseLiveEvent('chunk', '{"index":0,"text":"Hi","arrivalMs":400.5}')).toEqual({
      type: 'chunk',
      data: { index: 0, text: 'Hi', arrivalMs: 400.5 },
    });
    expect(parseLiveEvent('status', '{"status":"running","attempt":1}')?.type).toBe('status');
    expect(parseLiveEvent('scores', '{"scores":[{"brandId":"x","mentioned":true}]}')?.type).toBe('scores');
    expect(parseLiveEvent('chunk', '{"index":"0"}')).toBeNull();
    expect(parseLiveEvent('chunk', 'not json')).toBeNull();
    expect(parseLiveEvent('other', '{}')).toBeNull();
  });

  it('assembles contiguous chunks, ignores repeats, waits for gaps', () => {
    const s = apply([
      { type: 'status', data: { status: 'running', attempt: 1 } },
      { type: 'chunk', data: { index: 0, text: 'Use ', arrivalMs: 400 } },
      { type: 'chunk', data: { index: 2, text: 'today', arrivalMs: 700 } },
    ]);
    expect(s.text).toBe('Use ');
    const t = apply(
      [
        { type: 'chunk', data: { index: 1, text: 'Acme ', arrivalMs: 650 } },
        { type: 'chunk', data: { index: 1, text: 'Acme ', arrivalMs: 650 } },
      ],
      s,
    );
    expect(t.text).toBe('Use Acme today');
    expect(t.spans).toEqual([
      { charStart: 0, charEnd: 4, arrivalMs: 400 },
      { charStart: 4, charEnd: 9, arrivalMs: 650 },
      { charStart: 9, charEnd: 14, arrivalMs: 700 },
    ]);
  });

  it('collects mentions once and finishes on the terminal status', () => {
    const m = { brandId: BRAND, matched: 'Acme', charStart: 4, charEnd: 8, visibleAtMs: 650 };
    const s = apply([
      { type: 'status', data: { status: 'running', attempt: 1 } },
      { type: 'mention', data: m },
      { type: 'mention', data: m },
    ]);
    expect(s.mentions).toEqual([m]);
    expect(s.done).toBe(false);
    expect(apply([{ type: 'status', data: { status: 'succeeded', attempt: 1 } }], s).done).toBe(true);
    const failed = apply([{ type: 'status', data: { status: 'failed', attempt: 1, reason: 'timeout' } }], s);
    expect(failed.done).toBe(true);
    expect(failed.reason).toBe('timeout');
  });

  it('restarts the answer when a new attempt starts', () => {
    const s = apply([
      { type: 'status', data: { status: 'running', attempt: 1 } },
      { type: 'chunk', data: { index: 0, text: 'First try', arrivalMs: 400 } },
      {
        type: 'mention',
        data: { brandId: BRAND, matched: 'First', charStart: 0, charEnd: 5, visibleAtMs: 400 },
      },
      { type: 'status', data: { status: 'queued', attempt: 1, reason: 'rate_limited' } },
      { type: 'status', data: { status: 'running', attempt: 2 } },
      { type: 'chunk', data: { index: 0, text: 'Second', arrivalMs: 300 } },
    ]);
    expect(s.attempt).toBe(2);
    expect(s.text).toBe('Second');
    expect(s.mentions).toEqual([]);
    // Chunk 0 again with other text (the retry's status was missed): restart too.
    const t = apply([{ type: 'chunk', data: { index: 0, text: 'Third', arrivalMs: 300 } }], s);
    expect(t.text).toBe('Third');
  });
});
