/**
 * Runs every worked example of docs/metrics.md through the code. The examples are read from the document
 * itself (fenced `json metrics-example:<kind>` blocks), so the documented numbers cannot drift from the
 * implementation: editing a number in the doc, or changing a formula in code, fails this test.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AnswerStructure } from '../../src/detection/answer-structure';
import { tokenizeTimeline } from '../../src/detection/answer-tokenizer';
import { type BrandSpec } from '../../src/detection/brand-watchlist';
import { IncrementalMatcher, type DetectedMention } from '../../src/detection/incremental-matcher';
import { MatchExplainer } from '../../src/detection/match-explainer';
import { aggregateBrandRuns, presentMs, shareOfVoice, type BrandRunRow } from '../oracles/brand-aggregate';
import {
  averagePosition,
  positionAdjustedWordCount,
  positionBand,
  trakkrPoints,
} from '../../src/scoring/compatibility-scores';
import { headToHead, type HeadToHeadRun } from '../oracles/head-to-head';
import { scoreRun, type BrandKind } from '../../src/scoring/run-scorer';
import { percentile, wilsonInterval } from '../../src/scoring/statistics';
import { arrivalCurves } from '../../src/reports/arrival';
import { addValue, emptyHistogram } from '../../src/reports/digest/histogram';

const DOC = readFileSync(join(__dirname, '../../docs/metrics.md'), 'utf8');
const TOLERANCE = 1e-6;

interface Example {
  kind: string;
  body: unknown;
}

const examples: Example[] = [...DOC.matchAll(/```json metrics-example:([\w-]+)\n([\s\S]*?)```/g)].map(
  (match) => ({ kind: match[1] as string, body: JSON.parse(match[2] as string) as unknown }),
);

/** Deep comparison: numbers within TOLERANCE, everything else equal; only keys present in `expected`. */
function expectMatches(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual).toBe('number');
    if (Math.abs((actual as number) - expected) > TOLERANCE) {
      throw new Error(`${path}: documented ${expected}, computed ${String(actual)}`);
    }
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual)).toBe(true);
    expect((actual as unknown[]).length).toBe(expected.length);
    expected.forEach((item, i) => expectMatches((actual as unknown[])[i], item, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual).not.toBeNull();
    for (const [key, value] of Object.entries(expected)) {
      expectMatches((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    }
  } else {
    if (actual !== expected) {
      throw new Error(`${path}: documented ${String(expected)}, got ${String(actual)}`);
    }
  }
}

interface RunExample {
  input: {
    chunks: [string, number][];
    ttftUs: number;
    brands: { id: string; name: string; kind: BrandKind; aliases: string[] }[];
    foldTokens: number;
    halfLifeMs: number;
  };
  expected: { answerTokens: number; mentions: unknown[]; brands: unknown[] };
}

function runExample({ input, expected }: RunExample): void {
  const specs: BrandSpec[] = input.brands.map((brand) => ({
    id: brand.id,
    name: brand.name,
    aliases: brand.aliases.map((text) => ({ text, caseSensitive: false, foldDiacritics: false })),
    exclusions: [],
    domains: [],
  }));
  const matcher = new IncrementalMatcher(specs);
  const mentions: DetectedMention[] = [];
  const chunkEnds: number[] = [];
  const arrivals: number[] = [];
  let text = '';
  for (const [chunk, arrivalUs] of input.chunks) {
    mentions.push(...matcher.push(chunk, arrivalUs));
    text += chunk;
    chunkEnds.push(text.length);
    arrivals.push(arrivalUs);
  }
  mentions.push(...matcher.end());
  const timeline = tokenizeTimeline(text, chunkEnds, arrivals);
  expect(timeline.tokenEnds.length).toBe(expected.answerTokens);
  const scores = scoreRun({
    brands: input.brands.map((brand) => ({ id: brand.id, kind: brand.kind })),
    mentions,
    text,
    ttftUs: input.ttftUs,
    tokenEnds: timeline.tokenEnds,
    foldTokens: input.foldTokens,
    halfLifeMs: input.halfLifeMs,
  });
  expectMatches(
    scores.mentions.map((m) => ({
      ...m,
      visibleAtMs: presentMs(m.visibleAtUs),
      sinceFirstTokenMs: presentMs(m.sinceFirstTokenUs),
    })),
    expected.mentions,
  );
  expectMatches(scores.brandScores, expected.brands);
  // The stored decimal strings agree with the numbers.
  for (const brand of scores.brandScores) {
    expect(Number(brand.streamScoreText)).toBeCloseTo(100 * Number(brand.attentionText), 8);
  }
}

interface DetectionExample {
  brands: (Omit<BrandSpec, 'aliases' | 'exclusions' | 'domains'> & Partial<BrandSpec>)[];
  cases: { text: string; mentions: string[]; excluded?: string[][]; nearMisses: string[][] }[];
}

/** The detection defaults, through the pipeline's matcher (the explain endpoint's view of it). */
function detectionExample({ brands, cases }: DetectionExample): void {
  const specs: BrandSpec[] = brands.map((b) => ({ aliases: [], exclusions: [], domains: [], ...b }));
  for (const c of cases) {
    const { mentions, excluded, nearMisses } = MatchExplainer.explain(c.text, specs);
    const covered = (start: number, end: number) => c.text.slice(start, end);
    expect({
      text: c.text,
      mentions: mentions.map((m) => `${m.brandId}:${covered(m.charStart, m.charEnd)}`),
      excluded: excluded.map((e) => [e.brandId, covered(e.start, e.end), e.exclusion]),
      nearMisses: nearMisses.map((n) => [n.brandId, covered(n.start, n.end), n.rule]),
    }).toEqual({ text: c.text, mentions: c.mentions, excluded: c.excluded ?? [], nearMisses: c.nearMisses });
  }
}

const handlers: Record<string, (body: never) => void> = {
  run: runExample,
  detection: detectionExample,
  truncated: (example: { keptChunks: string[]; answerTokens: number }) => {
    const text = example.keptChunks.join('');
    const ends = example.keptChunks.map((_, i) => example.keptChunks.slice(0, i + 1).join('').length);
    const timeline = tokenizeTimeline(
      text,
      ends,
      ends.map(() => 0),
    );
    expect(timeline.tokenEnds.length).toBe(example.answerTokens);
  },
  attention: (
    cases: { sinceFirstTokenMs: number; halfLifeMs: number; attention: number; streamScore: number }[],
  ) => {
    for (const c of cases) {
      const scores = scoreRun({
        brands: [{ id: 'b', kind: 'own' }],
        mentions: [
          { brandId: 'b', matched: 'B', charStart: 0, charEnd: 1, visibleAtUs: c.sinceFirstTokenMs * 1000 },
        ],
        text: 'B',
        ttftUs: 0,
        tokenEnds: [1],
        foldTokens: 150,
        halfLifeMs: c.halfLifeMs,
      });
      expectMatches(scores.brandScores[0], { attention: c.attention, streamScore: c.streamScore });
    }
  },
  wilson: (cases: { successes: number; n: number; expected: unknown }[]) => {
    for (const c of cases) expectMatches(wilsonInterval(c.successes, c.n), c.expected);
  },
  percentile: (cases: { values: number[]; p: number; expected: number | null }[]) => {
    for (const c of cases) expectMatches(percentile(c.values, c.p), c.expected);
  },
  aggregate: (body: { rows: BrandRunRow[]; expected: unknown }) => {
    const result = aggregateBrandRuns(body.rows);
    expectMatches(
      {
        ...result,
        ttfmP50Ms: presentMs(result.ttfmP50Us),
        ttfmP90Ms: presentMs(result.ttfmP90Us),
        visibleP50Ms: presentMs(result.visibleP50Us),
        visibleP90Ms: presentMs(result.visibleP90Us),
      },
      body.expected,
    );
  },
  'share-of-voice': (body: { totals: Parameters<typeof shareOfVoice>[0]; expected: unknown }) => {
    expectMatches(shareOfVoice(body.totals), body.expected);
  },
  'head-to-head': (body: { runs: HeadToHeadRun[]; expected: unknown }) => {
    expectMatches(headToHead(body.runs), body.expected);
  },
  compat: (body: {
    averagePosition: { orders: (number | null)[]; expected: number };
    bands: [number, string][];
    trakkr: [number | null, number, number][];
  }) => {
    expectMatches(averagePosition(body.averagePosition.orders), body.averagePosition.expected);
    for (const [rel, band] of body.bands) expect(positionBand(rel)).toBe(band);
    for (const [order, named, points] of body.trakkr) expect(trakkrPoints(order, named)).toBe(points);
  },
  pawc: (body: {
    text: string;
    mentions: { brandId: string; charStart: number }[];
    brandIds: string[];
    expected: unknown;
  }) => {
    expectMatches(
      positionAdjustedWordCount(new AnswerStructure(body.text), body.mentions, body.brandIds),
      body.expected,
    );
  },
  arrival: (example: {
    n: number;
    sinceFirstTokenUs: number[];
    firstTokenIndex: number[];
    timeGridMs: number[];
    tokenGrid: number[];
    expected: unknown;
  }) => {
    const sinceFirstTokenUs = emptyHistogram();
    const firstTokenIndex = emptyHistogram();
    for (const v of example.sinceFirstTokenUs) addValue(sinceFirstTokenUs, v);
    for (const v of example.firstTokenIndex) addValue(firstTokenIndex, v);
    const mentioned = example.sinceFirstTokenUs.length;
    const curves = arrivalCurves(
      { n: example.n, mentioned, sinceFirstTokenUs, firstTokenIndex },
      example.timeGridMs,
      example.tokenGrid,
    );
    expectMatches(curves, example.expected);
  },
  'present-ms': (cases: [number | null, number | null][]) => {
    for (const [us, ms] of cases) expect(presentMs(us)).toBe(ms);
  },
};

describe('docs/metrics.md worked examples', () => {
  it('finds every kind of worked example in the document', () => {
    const kinds = new Set(examples.map((example) => example.kind));
    for (const kind of Object.keys(handlers)) expect(kinds).toContain(kind);
    for (const kind of kinds) expect(Object.keys(handlers)).toContain(kind);
  });

  it.each(examples.map((example, index) => [`${index + 1}: ${example.kind}`, example] as const))(
    'example %s matches the code',
    (_name, example) => {
      (handlers[example.kind] as (body: unknown) => void)(example.body);
    },
  );

  it('Wilson interval edge cases', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
    const all = wilsonInterval(7, 7);
    expect(all?.rate).toBe(1);
    expect(all?.high).toBe(1);
    expect(all?.low).toBeGreaterThan(0);
    const none = wilsonInterval(0, 7);
    expect(none).toMatchObject({ rate: 0, low: 0 });
    expect(none?.high).toBeLessThan(1);
  });
});
