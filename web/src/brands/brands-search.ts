// The Brands screen's URL state: which brand is open (an id, or "new" with its kind) and the backfill whose
// progress is shown, so a link shows the same thing to a colleague.
export interface BrandsSearch {
  brand?: string;
  kind?: 'own' | 'competitor';
  backfill?: string;
}

const ID_RE = /^[0-9a-f-]{36}$/i;

export function validateBrandsSearch(raw: Record<string, unknown>): BrandsSearch {
  const brand =
    typeof raw.brand === 'string' && (raw.brand === 'new' || ID_RE.test(raw.brand)) ? raw.brand : undefined;
  const kind = raw.kind === 'own' || raw.kind === 'competitor' ? raw.kind : undefined;
  const backfill = typeof raw.backfill === 'string' && ID_RE.test(raw.backfill) ? raw.backfill : undefined;
  return { brand, kind: brand === 'new' ? kind : undefined, backfill };
}
