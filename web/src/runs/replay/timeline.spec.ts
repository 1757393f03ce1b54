import { describe, expect, it } from '@jest/globals';
import {
  buildTimeline,
  firstVisibleByBrand,
  foldCharOf,
  litCountAt,
  mentionsVisibleAt,
  textAt,
  tokensAt,
  visibleCharsAt,
} from './timeline';

// The worked example of docs/metrics.md: five chunks, three mentions.
const TEXT =
  '## Best CRMs\n\n1. **HubSpot** is free to start.\n2. Zoho CRM is cheaper.\n\nHubSpot wins for most teams.';
const CHUNKS = [
  { charStart: 0, charEnd: 14, arrivalMs: 400 },
  { charStart: 14, charEnd: 30, arrivalMs: 650 },
  { charStart: 30, charEnd: 50, arrivalMs: 1200 },
  { charStart: 50, charEnd: 70, arrivalMs: 2900 },
  { charStart: 70, charEnd: 100, arrivalMs: 3100 },
];
const MENTIONS = [
  { brandId: 'zoho', charStart: 50, charEnd: 58, visibleAtMs: 2900, tokenIndex: 18 },
  { brandId: 'hubspot', charStart: 19, charEnd: 26, visibleAtMs: 650, tokenIndex: 8 },
  { brandId: 'hubspot', charStart: 72, charEnd: 79, visibleAtMs: 3100, tokenIndex: 24 },
];

describe('replay timeline', () => {
  const tl = buildTimeline({ text: TEXT, chunks: CHUNKS, mentions: MENTIONS, ttftMs: 400 });

  it('shows no text before the first chunk and each chunk from its arrival on', () => {
    expect(TEXT.length).toBe(100);
    expect(visibleCharsAt(tl, 0)).toBe(0);
    expect(visibleCharsAt(tl, 399.999)).toBe(0);
    expect(textAt(tl, 400)).toBe('## Best CRMs\n\n');
    expect(visibleCharsAt(tl, 649.999)).toBe(14);
    expect(textAt(tl, 650)).toBe('## Best CRMs\n\n1. **HubSpot** i');
    expect(visibleCharsAt(tl, 3099)).toBe(70);
    expect(textAt(tl, 3100)).toBe(TEXT);
    expect(textAt(tl, 1e9)).toBe(TEXT);
    expect(tl.durationMs).toBe(3100);
    expect(tl.firstTextMs).toBe(400);
  });

  it('lights a mention exactly from its visibleAtMs, never before', () => {
    expect(mentionsVisibleAt(tl, 649.999)).toEqual([]);
    expect(mentionsVisibleAt(tl, 650).map((m) => m.brandId)).toEqual(['hubspot']);
    expect(litCountAt(tl, 2899.999)).toBe(1);
    expect(mentionsVisibleAt(tl, 2900).map((m) => m.brandId)).toEqual(['hubspot', 'zoho']);
    expect(mentionsVisibleAt(tl, 5000).map((m) => m.charStart)).toEqual([19, 50, 72]);
  });

  it('has the whole mention on screen when it lights', () => {
    for (const m of tl.mentions) expect(visibleCharsAt(tl, m.visibleAtMs)).toBeGreaterThanOrEqual(m.charEnd);
  });

  it('orders mentions by text position with stable indexes', () => {
    expect(tl.mentions.map((m) => [m.index, m.charStart])).toEqual([
      [0, 19],
      [1, 50],
      [2, 72],
    ]);
    expect(firstVisibleByBrand(tl)).toEqual([
      { brandId: 'hubspot', visibleAtMs: 650, index: 0 },
      { brandId: 'zoho', visibleAtMs: 2900, index: 1 },
    ]);
  });

  it('accepts chunks out of order and never shrinks the visible text', () => {
    const shuffled = buildTimeline({
      text: TEXT,
      chunks: [CHUNKS[3]!, CHUNKS[0]!, CHUNKS[4]!, CHUNKS[2]!, CHUNKS[1]!],
      mentions: [],
    });
    expect(shuffled.steps.map((s) => s.charEnd)).toEqual([14, 30, 50, 70, 100]);
    const late = buildTimeline({
      text: 'abcdef',
      chunks: [
        { charStart: 0, charEnd: 4, arrivalMs: 10 },
        { charStart: 0, charEnd: 2, arrivalMs: 20 },
        { charStart: 4, charEnd: 6, arrivalMs: 20 },
      ],
      mentions: [],
    });
    expect(late.steps).toEqual([
      { charEnd: 4, arrivalMs: 10 },
      { charEnd: 6, arrivalMs: 20 },
    ]);
  });

  it('falls back to token arrivals without chunks and counts tokens over time', () => {
    const tokens = [
      { charEnd: 2, arrivalMs: 100 },
      { charEnd: 4, arrivalMs: 100 },
      { charEnd: 6, arrivalMs: 300 },
    ];
    const t = buildTimeline({ text: 'abcdef', tokens, mentions: [] });
    expect(visibleCharsAt(t, 99)).toBe(0);
    expect(visibleCharsAt(t, 100)).toBe(4);
    expect(visibleCharsAt(t, 300)).toBe(6);
    expect(tokensAt(t, 99)).toBe(0);
    expect(tokensAt(t, 100)).toBe(2);
    expect(tokensAt(t, 1000)).toBe(3);
  });

  it('places the fold after token foldTokens - 1 and marks mentions above or below it', () => {
    const tokens = Array.from({ length: 10 }, (_, i) => ({ charEnd: (i + 1) * 10, arrivalMs: i * 5 }));
    expect(foldCharOf(tokens, 4)).toBe(40);
    expect(foldCharOf(tokens, 10)).toBeNull(); // the whole answer is above the fold
    expect(foldCharOf(tokens, null)).toBeNull();
    const t = buildTimeline({
      text: 'x'.repeat(100),
      tokens,
      foldTokens: 4,
      mentions: [
        { brandId: 'a', charStart: 35, charEnd: 45, visibleAtMs: 40, tokenIndex: 3 },
        { brandId: 'b', charStart: 50, charEnd: 55, visibleAtMs: 30, tokenIndex: 5 },
      ],
    });
    expect(t.foldChar).toBe(40);
    expect(t.mentions.map((m) => m.aboveFold)).toEqual([true, false]);
    expect(t.byVisibleAt.map((m) => m.brandId)).toEqual(['b', 'a']);
  });

  it('handles an answer without text', () => {
    const t = buildTimeline({ text: '', mentions: [] });
    expect(t.durationMs).toBe(0);
    expect(textAt(t, 100)).toBe('');
    expect(t.firstTextMs).toBeNull();
  });
});
