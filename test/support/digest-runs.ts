// Random run facts for the report digest unit tests (deterministic per seed).
import { type RunFacts } from '../../src/reports/digest/report-digest';
import { seededRandom } from './random';

export const BRANDS = ['b1', 'b2', 'b3', 'b4'];

/** Random runs: each brand named with some probability, order by first token, 0-3 citations. */
export function randomRuns(count: number, seed: number): RunFacts[] {
  const next = seededRandom(seed);
  return Array.from({ length: count }, (_, i) => {
    const named = BRANDS.map((brandId) => ({
      brandId,
      mentioned: next() < 0.6,
      token: Math.floor(next() * next() * 700),
      us: 150_000 + Math.floor(next() * 15_000_000),
    }));
    const ordered = named.filter((b) => b.mentioned).sort((a, b) => a.token - b.token);
    const citations = Array.from({ length: Math.floor(next() * 4) }, () => {
      const d = Math.floor(next() * 6);
      return {
        domain: `site${d}.com`,
        brandId: d < BRANDS.length ? BRANDS[d]! : null,
        createdAtMs: 1_000 + i,
        charStart: next() < 0.8 ? Math.floor(next() * 3000) : null,
        charEnd: null as number | null,
      };
    });
    for (const c of citations) if (c.charStart !== null) c.charEnd = c.charStart + 30;
    return {
      runId: `r${i}`,
      synthetic: i % 10 === 9,
      observedAtMs: i * 1000,
      scores: named.map((b) => ({
        brandId: b.brandId,
        mentioned: b.mentioned,
        order: b.mentioned ? ordered.indexOf(b) + 1 : null,
        firstVisibleAtUs: b.mentioned ? b.us + 400_000 : null,
        sinceFirstTokenUs: b.mentioned ? b.us : null,
        firstTokenIndex: b.mentioned ? b.token : null,
      })),
      citations,
      mentions: named
        .filter((b) => b.mentioned)
        .map((b) => ({ brandId: b.brandId, charStart: b.token * 4, charEnd: b.token * 4 + 7 })),
    };
  });
}
