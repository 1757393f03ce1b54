import fc from 'fast-check';
import { decode, encode } from 'gpt-tokenizer/cjs/encoding/o200k_base';
import { tokenIndexAt, tokenizeTimeline } from './answer-tokenizer';

function wholeChunk(text: string) {
  return tokenizeTimeline(text, [text.length], [1000]);
}

describe('tokenizeTimeline', () => {
  it('ends tokens where the o200k_base tokens end', () => {
    const text = 'Hello world, Acme Cloud is great.';
    const { tokenEnds } = wholeChunk(text);
    const pieces = encode(text).map((token) => decode([token]));
    let offset = 0;
    expect(tokenEnds).toEqual(pieces.map((piece) => (offset += piece.length)));
  });

  it('gives each token the arrival of the chunk holding its last character', () => {
    const text = 'Hello world';
    // "Hello" | " wor" | "ld": the token " world" completes in the third chunk.
    const { tokenEnds, tokenArrivalsUs } = tokenizeTimeline(text, [5, 9, 11], [100, 200, 300]);
    expect(tokenEnds).toEqual([5, 11]);
    expect(tokenArrivalsUs).toEqual([100, 300]);
  });

  it('skips empty chunks', () => {
    const { tokenArrivalsUs } = tokenizeTimeline('Hi there', [0, 2, 2, 8], [1, 2, 3, 4]);
    expect(tokenArrivalsUs).toEqual([2, 4]);
  });

  it('rounds a token ending inside a character up to the character end', () => {
    // o200k splits some rare CJK characters and emoji into several byte-level tokens.
    const text = '𠜎𠜱 ok 🫠';
    const { tokenEnds } = wholeChunk(text);
    const boundaries = new Set<number>([0]);
    let at = 0;
    for (const ch of text) boundaries.add((at += ch.length));
    expect(encode(text).length).toBeGreaterThan(tokenEnds.length - 1);
    for (const end of tokenEnds) expect(boundaries.has(end)).toBe(true);
    expect(tokenEnds[tokenEnds.length - 1]).toBe(text.length);
    expect(new Set(tokenEnds).size).toBeLessThan(tokenEnds.length);
  });

  it('treats special-token text as plain text', () => {
    const text = 'end <|endoftext|> here';
    expect(wholeChunk(text).tokenEnds.at(-1)).toBe(text.length);
  });

  it('rejects chunks that do not cover the text', () => {
    expect(() => tokenizeTimeline('Hello world', [5], [1])).toThrow(RangeError);
    expect(() => tokenizeTimeline('Hello', [5], [])).toThrow(RangeError);
  });

  it('handles an empty answer', () => {
    expect(tokenizeTimeline('', [], [])).toEqual({ tokenEnds: [], tokenArrivalsUs: [] });
  });

  it('property: ends are non-decreasing code point boundaries ending at the text length', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', maxLength: 60 }),
        fc.integer({ min: 1, max: 5 }),
        (text, pieces) => {
          const cuts = Array.from({ length: pieces }, (_, i) => Math.round(((i + 1) * text.length) / pieces));
          const arrivals = cuts.map((_, i) => (i + 1) * 10);
          const { tokenEnds, tokenArrivalsUs } = tokenizeTimeline(text, cuts, arrivals);
          let previous = 0;
          for (const [i, end] of tokenEnds.entries()) {
            expect(end).toBeGreaterThanOrEqual(previous);
            const last = end - 1;
            const isHigh = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
            const isLow = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;
            expect(isHigh(text.charCodeAt(last)) && isLow(text.charCodeAt(end))).toBe(false);
            expect(tokenArrivalsUs[i]).toBe(arrivals[cuts.findIndex((cut) => cut > last)]);
            previous = end;
          }
          if (text.length > 0) expect(tokenEnds.at(-1)).toBe(text.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('tokenIndexAt', () => {
  const ends = [5, 11, 11, 20];
  it.each([
    [0, 0],
    [4, 0],
    [5, 1],
    [10, 1],
    [11, 3],
    [19, 3],
    [25, 3],
  ])('offset %i is in token %i', (offset, index) => {
    expect(tokenIndexAt(ends, offset)).toBe(index);
  });

  it('is -1 without tokens', () => {
    expect(tokenIndexAt([], 3)).toBe(-1);
  });
});
