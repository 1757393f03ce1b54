// URL search params of the report screens (Overview, Competitors, Sources). Every filter lives in the
// URL so a view is a shareable link. All values are strings (the router uses plain URLSearchParams).

export type RangePreset = '7d' | '30d' | '90d';
export type DataKind = 'measured' | 'synthetic';
export type Bucket = 'day' | 'week';

export interface ReportSearch {
  /** preset range; ignored when from/to are set (custom range) */
  range?: RangePreset;
  /** custom range, YYYY-MM-DD inclusive */
  from?: string;
  to?: string;
  /** comma-separated ids / tags */
  engines?: string;
  prompts?: string;
  tags?: string;
  /** measured or synthetic figures; default: measured when the project has measured runs */
  data?: DataKind;
  /** trend bucket (Overview) */
  bucket?: Bucket;
}

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const LIST_RE = /^[\w\-.:, ]{1,2000}$/;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function oneOf<T extends string>(v: unknown, options: readonly T[]): T | undefined {
  return options.find((o) => o === v);
}

export function validateReportSearch(raw: Record<string, unknown>): ReportSearch {
  const from = str(raw.from);
  const to = str(raw.to);
  const list = (v: unknown) => {
    const s = str(v);
    return s && LIST_RE.test(s) ? s : undefined;
  };
  return {
    range: oneOf(raw.range, ['7d', '30d', '90d'] as const),
    from: from && DAY_RE.test(from) ? from : undefined,
    to: to && DAY_RE.test(to) ? to : undefined,
    engines: list(raw.engines),
    prompts: list(raw.prompts),
    tags: list(raw.tags),
    data: oneOf(raw.data, ['measured', 'synthetic'] as const),
    bucket: oneOf(raw.bucket, ['day', 'week'] as const),
  };
}

/** The runs screen's filters: passed through as strings (validated by the runs screen). */
export type RunsSearch = Record<string, string | undefined>;

export function validateRunsSearch(raw: Record<string, unknown>): RunsSearch {
  const out: RunsSearch = {};
  for (const [k, v] of Object.entries(raw)) {
    if (typeof v === 'string' && v !== '' && /^[a-zA-Z]{1,40}$/.test(k)) out[k] = v.slice(0, 2000);
  }
  return out;
}

export function splitList(v: string | undefined): string[] {
  return v ? v.split(',').filter((s) => s !== '') : [];
}

export function joinList(values: string[]): string | undefined {
  return values.length ? values.join(',') : undefined;
}

/** Only the report filters (to carry them from one report tab to another). */
export function pickReportSearch(s: Record<string, unknown>): ReportSearch {
  return validateReportSearch(s);
}

export function parseSearchString(search: string): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(search));
}

export function stringifySearchObject(obj: Record<string, unknown>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}
