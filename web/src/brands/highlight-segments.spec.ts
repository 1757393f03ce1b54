import { segmentsOf, type Span } from './highlight-segments';

const span = (kind: Span['kind'], start: number, end: number, index = 0): Span => ({
  kind,
  start,
  end,
  index,
  brandName: 'B',
});

describe('segmentsOf', () => {
  it('keeps the text whole and in order', () => {
    const text = 'Acme beats apple pie and acmes.';
    const segs = segmentsOf(text, [
      span('mention', 0, 4),
      span('excluded', 11, 20),
      span('near-miss', 25, 30),
    ]);
    expect(segs.map((s) => s.text).join('')).toBe(text);
    expect(segs.filter((s) => s.span).map((s) => [s.text, s.span!.kind])).toEqual([
      ['Acme', 'mention'],
      ['apple pie', 'excluded'],
      ['acmes', 'near-miss'],
    ]);
  });

  it('shows the strongest span where spans overlap', () => {
    const segs = segmentsOf('Big Acme Cloud', [span('near-miss', 4, 8), span('mention', 4, 14)]);
    expect(segs.map((s) => [s.text, s.span?.kind ?? null])).toEqual([
      ['Big ', null],
      ['Acme Cloud', 'mention'],
    ]);
  });

  it('clips spans to the text', () => {
    expect(segmentsOf('abc', [span('mention', 1, 10)]).map((s) => s.text)).toEqual(['a', 'bc']);
  });
});
