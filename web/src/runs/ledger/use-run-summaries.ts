// Per-row mention summaries for the ledger (own brand named or not, first brand, TTFT), straight from the
// GET /v1/runs rows: one request per page, however many rows it shows.
import type { Brand, RunListItem } from '../api-types';

export interface RunSummary {
  ttftMs: number | null;
  /** Own brand(s) named: true/false; null when the project has no own brand. */
  ownMentioned: boolean | null;
  firstBrandId: string | null;
  brandsNamed: number;
}

export function useRunSummaries(
  rows: RunListItem[],
  brands: Brand[],
): Map<string, RunSummary | 'loading' | 'error'> {
  const own = new Set(brands.filter((b) => b.kind === 'own').map((b) => b.id));
  const out = new Map<string, RunSummary | 'loading' | 'error'>();
  for (const r of rows) {
    if (r.status !== 'succeeded') continue;
    out.set(r.id, {
      ttftMs: r.ttftMs,
      ownMentioned: own.size === 0 ? null : r.mentionedBrandIds.some((id) => own.has(id)),
      firstBrandId: r.firstBrandId,
      brandsNamed: r.mentionedBrandIds.length,
    });
  }
  return out;
}
