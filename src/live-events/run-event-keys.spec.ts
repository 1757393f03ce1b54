import { compareStreamIds, expandEvent, isStreamId } from './run-event-keys';

describe('run event ids and chunk entries', () => {
  it('expands a chunk entry into one event per chunk, the k-th with id <entry>.<k>', () => {
    const chunks = [
      { index: 4, text: 'Acme ', arrivalMs: 10.5 },
      { index: 5, text: 'is ', arrivalMs: 12 },
      { index: 6, text: 'good', arrivalMs: 12 },
    ];
    const events = expandEvent({ id: '1700-3', type: 'chunk', data: JSON.stringify(chunks) });
    expect(events.map((e) => e.id)).toEqual(['1700-3', '1700-3.1', '1700-3.2']);
    expect(events.map((e) => e.type)).toEqual(['chunk', 'chunk', 'chunk']);
    expect(events.map((e) => JSON.parse(e.data) as unknown)).toEqual(chunks);
  });

  it('leaves single-object chunk entries (older workers) and other events as they are', () => {
    const one = { id: '5-0', type: 'chunk' as const, data: '{"index":0,"text":"a","arrivalMs":1}' };
    expect(expandEvent(one)).toEqual([one]);
    const mention = { id: '5-1', type: 'mention' as const, data: '{"brandId":"x"}' };
    expect(expandEvent(mention)).toEqual([mention]);
  });

  it('orders ids by time, sequence, then chunk (no suffix is chunk 0)', () => {
    const ids = ['2-0', '10-0.2', '10-0', '10-1', '10-0.1', '9-5.1'];
    expect([...ids].sort(compareStreamIds)).toEqual(['2-0', '9-5.1', '10-0', '10-0.1', '10-0.2', '10-1']);
    expect(compareStreamIds('10-0', '10-0.0')).toBe(0);
    expect(compareStreamIds('10-0.10', '10-0.9')).toBe(1);
  });

  it('accepts Last-Event-ID values it issued and nothing else', () => {
    for (const id of ['1-0', '1700000000000-12', '1700000000000-12.3']) expect(isStreamId(id)).toBe(true);
    for (const id of [undefined, '', '1', '1-', '1-0.', '1-0.x', 'a-0', '1-0.1.2', '1-0; drop']) {
      expect(isStreamId(id)).toBe(false);
    }
  });
});
