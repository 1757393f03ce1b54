import { describe, expect, it } from '@jest/globals';
import { buildSegments, paragraphStarts, segmentAt } from './segments';

describe('buildSegments', () => {
  it('covers the text with plain and mention segments', () => {
    const s = buildSegments(
      'x'.repeat(100),
      [
        { charStart: 50, charEnd: 58 },
        { charStart: 19, charEnd: 26 },
      ],
      null,
    );
    expect(s.map((x) => [x.start, x.end, x.mention])).toEqual([
      [0, 19, null],
      [19, 26, 1],
      [26, 50, null],
      [50, 58, 0],
      [58, 100, null],
    ]);
    expect(segmentAt(s, 0)).toBe(0);
    expect(segmentAt(s, 19)).toBe(1);
    expect(segmentAt(s, 57)).toBe(3);
    expect(segmentAt(s, 99)).toBe(4);
    expect(segmentAt(s, 100)).toBe(-1);
  });

  it('splits a plain segment at the fold', () => {
    const s = buildSegments('x'.repeat(100), [{ charStart: 10, charEnd: 20 }], 40);
    expect(s.map((x) => [x.start, x.end, x.mention, x.foldBefore])).toEqual([
      [0, 10, null, false],
      [10, 20, 0, false],
      [20, 40, null, false],
      [40, 100, null, true],
    ]);
  });

  it('draws a fold inside a mention after it, and a fold at a boundary before the segment', () => {
    const inside = buildSegments('x'.repeat(50), [{ charStart: 10, charEnd: 20 }], 15);
    expect(inside.filter((x) => x.foldBefore).map((x) => x.start)).toEqual([20]);
    const atStart = buildSegments('x'.repeat(50), [{ charStart: 10, charEnd: 20 }], 10);
    expect(atStart.filter((x) => x.foldBefore).map((x) => [x.start, x.mention])).toEqual([[10, 0]]);
    expect(buildSegments('x'.repeat(50), [], 50).some((x) => x.foldBefore)).toBe(false);
  });

  it('skips overlapping and out-of-range spans', () => {
    const s = buildSegments(
      'x'.repeat(30),
      [
        { charStart: 5, charEnd: 15 },
        { charStart: 10, charEnd: 12 },
        { charStart: 25, charEnd: 40 },
      ],
      null,
    );
    expect(s.map((x) => [x.start, x.end, x.mention])).toEqual([
      [0, 5, null],
      [5, 15, 0],
      [15, 30, null],
    ]);
  });

  it('starts a paragraph block after each blank line, never inside a mention', () => {
    const text = 'One.\n\nTwo Acme\n\n\nThree';
    expect(paragraphStarts(text)).toEqual([5, 15]);
    const s = buildSegments(text, [{ charStart: 10, charEnd: 14 }], null);
    expect(s.map((x) => [x.start, x.end, x.mention, x.blockStart])).toEqual([
      [0, 5, null, false],
      [5, 10, null, true],
      [10, 14, 0, false],
      [14, 15, null, false],
      [15, 22, null, true],
    ]);
    const across = buildSegments('A\n\nB', [{ charStart: 0, charEnd: 4 }], null);
    expect(across.some((x) => x.blockStart)).toBe(false);
  });
});
