import { tokenizeTimeline } from '../detection/answer-tokenizer';
import { IncrementalMatcher, type DetectedMention } from '../detection/incremental-matcher';
import { scoreRun, type RunScoringInput } from './run-scorer';

const TEXT = '## Top picks\n\n1. **Acme** is best.\n2. Beta follows, then Acme again.\n\nGamma? Rarely.';
const TTFT = 1_000_000;
/** One token per two characters keeps token indexes easy to reason about in these fixtures. */
const TOKEN_ENDS = Array.from({ length: Math.ceil(TEXT.length / 2) }, (_, i) =>
  Math.min(TEXT.length, (i + 1) * 2),
);

function mentionOf(brandId: string, needle: string, visibleAtUs: number, occurrence = 0): DetectedMention {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = TEXT.indexOf(needle, at + 1);
  return { brandId, matched: needle, charStart: at, charEnd: at + needle.length, visibleAtUs };
}

function input(overrides: Partial<RunScoringInput> = {}): RunScoringInput {
  return {
    brands: [
      { id: 'acme', kind: 'own' },
      { id: 'beta', kind: 'competitor' },
      { id: 'gamma', kind: 'competitor' },
      { id: 'delta', kind: 'competitor' },
    ],
    mentions: [
      mentionOf('beta', 'Beta', TTFT + 10_000_000),
      mentionOf('acme', 'Acme', TTFT + 400),
      mentionOf('gamma', 'Gamma', TTFT + 20_000_000),
      mentionOf('acme', 'Acme', TTFT + 12_000_000, 1),
    ],
    text: TEXT,
    ttftUs: TTFT,
    tokenEnds: TOKEN_ENDS,
    foldTokens: Math.floor(TEXT.indexOf('Beta') / 2),
    halfLifeMs: 10_000,
    ...overrides,
  };
}

describe('scoreRun', () => {
  it('scores every mention with token, time and context, in text order', () => {
    const { mentions } = scoreRun(input());
    expect(mentions.map((m) => [m.brandId, m.charStart])).toEqual([
      ['acme', TEXT.indexOf('Acme')],
      ['beta', TEXT.indexOf('Beta')],
      ['acme', TEXT.lastIndexOf('Acme')],
      ['gamma', TEXT.indexOf('Gamma')],
    ]);
    const [acme, beta, , gamma] = mentions;
    expect(acme).toMatchObject({
      tokenIndex: Math.floor(TEXT.indexOf('Acme') / 2),
      sinceFirstTokenUs: 400,
      listRank: 1,
      inBold: true,
      inHeading: false,
      sentenceIndex: 1,
    });
    expect(acme?.snippet).toContain('**Acme** is best.');
    expect(beta).toMatchObject({ listRank: 2, inBold: false, sentenceIndex: 2 });
    expect(gamma).toMatchObject({ listRank: null, sentenceIndex: 3 });
    expect(gamma?.relPosition).toBe((gamma?.tokenIndex ?? 0) / TOKEN_ENDS.length);
  });

  it('returns one row per brand, absent brands included', () => {
    const { brandScores } = scoreRun(input());
    expect(brandScores.map((row) => [row.brandId, row.mentioned, row.mentionCount, row.order])).toEqual([
      ['acme', true, 2, 1],
      ['beta', true, 1, 2],
      ['gamma', true, 1, 3],
      ['delta', false, 0, null],
    ]);
    expect(brandScores[3]).toEqual({
      brandId: 'delta',
      kind: 'competitor',
      mentioned: false,
      mentionCount: 0,
      firstVisibleAtUs: null,
      sinceFirstTokenUs: null,
      firstTokenIndex: null,
      relPosition: null,
      relPositionText: null,
      order: null,
      aboveFold: false,
      attention: 0,
      attentionText: '0.0000000000',
      streamScore: 0,
      streamScoreText: '0.00000000',
      trakkrPoints: 0,
      geoWeightedWordsText: '0.00000000',
      geoShareOfAnswerText: '0.0000000000',
    });
  });

  it('halves attention after one half-life and quarters it after two', () => {
    const [, beta, gamma] = scoreRun(input()).brandScores;
    expect(beta).toMatchObject({
      sinceFirstTokenUs: 10_000_000,
      attention: 0.5,
      attentionText: '0.5000000000',
    });
    expect(beta).toMatchObject({ streamScore: 50, streamScoreText: '50.00000000' });
    expect(gamma).toMatchObject({
      attention: 0.25,
      attentionText: '0.2500000000',
      streamScoreText: '25.00000000',
    });
  });

  it('uses the first mention of a brand and exact decimal strings', () => {
    const [acme] = scoreRun(input()).brandScores;
    const expected = 2 ** (-400 / 10_000_000);
    expect(acme?.attention).toBe(expected);
    expect(acme?.attentionText).toBe(expected.toFixed(10));
    expect(acme?.attentionText).toBe('0.9999722745');
    expect(acme?.streamScoreText).toBe('99.99722745');
    expect(acme?.firstVisibleAtUs).toBe(TTFT + 400);
    // token 9 of 42: 0.214285714... rounded half-up at 8 decimals
    expect(acme).toMatchObject({ firstTokenIndex: 9, relPositionText: '0.21428571' });
  });

  it('aboveFold is strict: the fold token itself is below the fold', () => {
    const scores = scoreRun(input()).brandScores;
    expect(scores[0]?.aboveFold).toBe(true);
    expect(scores[1]?.firstTokenIndex).toBe(input().foldTokens);
    expect(scores[1]?.aboveFold).toBe(false);
    expect(scoreRun(input({ foldTokens: input().foldTokens + 1 })).brandScores[1]?.aboveFold).toBe(true);
  });

  it('never reports a negative time since the first token', () => {
    const early = scoreRun(input({ mentions: [mentionOf('acme', 'Acme', TTFT - 50)] }));
    expect(early.brandScores[0]).toMatchObject({
      sinceFirstTokenUs: 0,
      attention: 1,
      streamScoreText: '100.00000000',
    });
  });

  it('rejects mentions of brands the project does not track', () => {
    expect(() => scoreRun(input({ mentions: [mentionOf('other', 'Acme', TTFT)] }))).toThrow(RangeError);
  });

  it('scores an answer with no mentions', () => {
    const result = scoreRun(input({ mentions: [] }));
    expect(result.mentions).toEqual([]);
    expect(result.brandScores.every((row) => !row.mentioned && row.order === null)).toBe(true);
  });

  it('works end to end from streamed chunks', () => {
    const chunks = ['Für Teams: **Ac', 'me** und 小米', '。Beta? ', 'Nein.'];
    const arrivals = [150_000, 180_000, 260_000, 300_000];
    const matcher = new IncrementalMatcher([
      { id: 'acme', name: 'Acme', aliases: [], exclusions: [], domains: [] },
      { id: 'xiaomi', name: '小米', aliases: [], exclusions: [], domains: [] },
      { id: 'beta', name: 'Beta', aliases: [], exclusions: [], domains: [] },
    ]);
    const mentions = chunks.flatMap((chunk, i) => matcher.push(chunk, arrivals[i] as number));
    mentions.push(...matcher.end());
    const text = chunks.join('');
    const chunkEnds: number[] = [];
    chunks.reduce((end, chunk) => (chunkEnds.push(end + chunk.length), end + chunk.length), 0);
    const { tokenEnds } = tokenizeTimeline(text, chunkEnds, arrivals);
    const result = scoreRun({
      brands: [
        { id: 'xiaomi', kind: 'competitor' },
        { id: 'acme', kind: 'own' },
        { id: 'beta', kind: 'competitor' },
      ],
      mentions,
      text,
      ttftUs: arrivals[0] as number,
      tokenEnds,
      foldTokens: 150,
      halfLifeMs: 10_000,
    });
    expect(result.brandScores.map((row) => [row.brandId, row.order, row.sinceFirstTokenUs])).toEqual([
      ['xiaomi', 2, 30_000],
      ['acme', 1, 30_000],
      ['beta', 3, 110_000],
    ]);
    expect(result.mentions[0]).toMatchObject({
      brandId: 'acme',
      inBold: true,
      tokenIndex: expect.any(Number),
    });
  });
});

describe('scoreRun compatibility fields', () => {
  // docs/metrics.md "Worked example: position-adjusted word count".
  const text =
    '## Best CRMs\n\n1. **HubSpot** is free to start.\n2. Zoho CRM is cheaper.\n\nHubSpot wins for most teams.';
  const at = (brandId: string, charStart: number, needle: string): DetectedMention => ({
    brandId,
    matched: needle,
    charStart,
    charEnd: charStart + needle.length,
    visibleAtUs: 1000 + charStart,
  });

  it('stores Trakkr points and the GEO position-adjusted word count per brand, as worked by hand', () => {
    const { brandScores } = scoreRun({
      brands: [
        { id: 'hubspot', kind: 'own' },
        { id: 'zoho', kind: 'competitor' },
        { id: 'acme', kind: 'competitor' },
      ],
      mentions: [at('hubspot', 19, 'HubSpot'), at('zoho', 50, 'Zoho'), at('hubspot', 72, 'HubSpot')],
      text,
      ttftUs: 1000,
      tokenEnds: Array.from({ length: text.length }, (_, i) => i + 1),
      foldTokens: 150,
      halfLifeMs: 10_000,
    });
    expect(
      brandScores.map((s) => [s.brandId, s.trakkrPoints, s.geoWeightedWordsText, s.geoShareOfAnswerText]),
    ).toEqual([
      // 5·e^(−1/4) + 5·e^(−3/4) = 6.255837; / 16 words = 0.390990. First of two named → 10 points.
      ['hubspot', 10, '6.25583668', '0.3909897924'],
      // 4·e^(−2/4) = 2.426123; / 16 = 0.151633. Second of two → max(1, round(10 − 9)) = 1.
      ['zoho', 1, '2.42612264', '0.1516326649'],
      ['acme', 0, '0.00000000', '0.0000000000'],
    ]);
  });
});
