// The runs ledger's URL search params → the API query of GET /v1/runs. Pure.
import type { RunListQuery, RunStatus } from '../api-types';

export const STATUSES: readonly RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'skipped'];
export const PAGE_SIZE = 25;

/** The filters the ledger keeps in the URL (all strings). */
export const LEDGER_KEYS = [
  'status',
  'engineId',
  'promptId',
  'brandId',
  'mentioned',
  'firstBrandId',
  'fold',
  'from',
  'to',
  'cursor',
] as const;
export type LedgerKey = (typeof LEDGER_KEYS)[number];
export type LedgerSearch = Partial<Record<LedgerKey, string>>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Keeps only well-formed values (a hand-edited URL never turns into a 400). */
export function parseLedgerSearch(raw: Record<string, string | undefined>): LedgerSearch {
  const out: LedgerSearch = {};
  const id = (k: LedgerKey): void => {
    const v = raw[k];
    if (v && UUID.test(v)) out[k] = v;
  };
  const status = raw.status;
  if (status && (STATUSES as readonly string[]).includes(status)) out.status = status;
  id('engineId');
  id('promptId');
  id('brandId');
  id('firstBrandId');
  if (out.brandId && (raw.mentioned === 'true' || raw.mentioned === 'false')) out.mentioned = raw.mentioned;
  if (out.brandId && (raw.fold === 'above' || raw.fold === 'below')) out.fold = raw.fold;
  if (raw.from && DAY.test(raw.from)) out.from = raw.from;
  if (raw.to && DAY.test(raw.to)) out.to = raw.to;
  if (raw.cursor && raw.cursor.length <= 200) out.cursor = raw.cursor;
  return out;
}

/** A filter change: other filters kept, the page reset (a cursor belongs to one filter set). */
export function withFilter(s: LedgerSearch, key: LedgerKey, value: string | undefined): LedgerSearch {
  const next: LedgerSearch = { ...s, [key]: value === '' ? undefined : value };
  if (key !== 'cursor') delete next.cursor;
  if (key === 'brandId' && !next.brandId) {
    delete next.mentioned;
    delete next.fold;
  }
  return next;
}

const dayStart = (day: string): string => `${day}T00:00:00.000Z`;
const nextDayStart = (day: string): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString();

/**
 * The API query. Days are UTC; `to` is inclusive in the URL and exclusive in the API. Brand filters
 * (brandId, mentioned, firstBrandId, fold) are sent as documented in docs/web-api.md.
 */
export function ledgerQuery(projectId: string, s: LedgerSearch, limit = PAGE_SIZE): RunListQuery {
  const q: Record<string, string | number> = { projectId, limit };
  for (const k of [
    'status',
    'engineId',
    'promptId',
    'brandId',
    'mentioned',
    'firstBrandId',
    'fold',
    'cursor',
  ] as const) {
    const v = s[k];
    if (v !== undefined) q[k] = v;
  }
  if (s.from) q.from = dayStart(s.from);
  if (s.to) q.to = nextDayStart(s.to);
  if (s.from && s.to && s.from > s.to) delete q.to;
  return q;
}

export function hasFilters(s: LedgerSearch): boolean {
  return LEDGER_KEYS.some((k) => k !== 'cursor' && s[k] !== undefined);
}
