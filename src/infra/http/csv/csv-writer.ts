/**
 * RFC 4180 CSV, pure (no I/O): CRLF line endings, a header row first, fields quoted only when they contain a
 * comma, a double quote, CR or LF (inner quotes doubled). Text cells that a spreadsheet would evaluate as a
 * formula (leading `=`, `+`, `-`, `@`, tab or CR) are prefixed with a single quote (OWASP "CSV injection");
 * numbers are written as numbers, so `-3` stays `-3`.
 */
export type CsvCell = string | number | boolean | Date | null | undefined;

export interface CsvColumn<T> {
  /** Stable snake_case header. */
  name: string;
  value: (row: T) => CsvCell;
}

export const CSV_EOL = '\r\n';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field, escaped and quoted as needed. `null`/`undefined`/non-finite numbers are empty fields. */
export function toCsvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = value instanceof Date ? value.toISOString() : value;
  const safe = FORMULA_START.test(text) ? `'${text}` : text;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** One record, CRLF-terminated. */
export function toCsvRow(cells: readonly CsvCell[]): string {
  return cells.map(toCsvCell).join(',') + CSV_EOL;
}

/** Renders rows of one shape against a fixed column list. */
export class CsvWriter<T> {
  constructor(readonly columns: readonly CsvColumn<T>[]) {}

  get columnNames(): string[] {
    return this.columns.map((c) => c.name);
  }

  header(): string {
    return toCsvRow(this.columnNames);
  }

  row(row: T): string {
    return toCsvRow(this.columns.map((c) => c.value(row)));
  }

  rows(rows: Iterable<T>): string {
    let out = '';
    for (const r of rows) out += this.row(r);
    return out;
  }

  /** Header and every row. */
  document(rows: Iterable<T>): string {
    return this.header() + this.rows(rows);
  }
}
