// Field-by-field comparison of a report (JSON or CSV) with the oracle's expectation: every key present on
// both sides, numbers equal (or within an `Approx` tolerance), and a path in every failure message.
import { Approx } from './report-oracle';

/** Exact numbers still go through floating-point rounding on both sides. */
const EPSILON = 1.01e-6;

export function compareReport(actual: unknown, expected: unknown, path = '$'): string[] {
  if (expected instanceof Approx) {
    return typeof actual === 'number' && Math.abs(actual - expected.value) <= expected.tolerance
      ? []
      : [`${path}: ${JSON.stringify(actual)}, expected ${expected.value} ± ${expected.tolerance}`];
  }
  if (typeof expected === 'number') {
    return typeof actual === 'number' && Math.abs(actual - expected) <= EPSILON
      ? []
      : [`${path}: ${JSON.stringify(actual)}, expected ${expected}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) {
      return [`${path}: ${describe(actual)}, expected an array of ${expected.length}`];
    }
    return expected.flatMap((e, i) => compareReport(actual[i], e, `${path}[${i}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return [`${path}: ${describe(actual)}, expected an object`];
    }
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = new Set([...Object.keys(a), ...Object.keys(e)]);
    return [...keys].flatMap((k) =>
      !(k in e)
        ? [`${path}.${k}: present (${JSON.stringify(a[k])}) but not expected`]
        : !(k in a)
          ? [`${path}.${k}: missing`]
          : compareReport(a[k], e[k], `${path}.${k}`),
    );
  }
  return actual === expected
    ? []
    : [`${path}: ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`];
}

const describe = (v: unknown) => (Array.isArray(v) ? `an array of ${v.length}` : JSON.stringify(v));

/** Sorts a copy by a key, so arrays the API orders by a figure (ties in any order) compare as sets. */
export function byKey<T>(rows: readonly T[], key: (row: T) => string): T[] {
  return [...rows].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
}

/** RFC 4180 as docs/csv.md writes it: CRLF rows (also after the last), quoted fields with doubled quotes. */
export function parseCsv(body: string): { header: string[]; rows: Record<string, string>[] } {
  if (!body.endsWith('\r\n')) throw new Error('a CSV body ends with CRLF');
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && body[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  const [header = [], ...rest] = records;
  return { header, rows: rest.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? '']))) };
}

/**
 * A CSV cell as the JSON value it presents (docs/csv.md: empty = null, numbers and booleans as text), for
 * `compareReport` against the JSON expectation.
 */
export function cellValue(cell: string, expected: unknown): unknown {
  if (cell === '') return null;
  if (expected instanceof Approx || typeof expected === 'number') return Number(cell);
  if (typeof expected === 'boolean') return cell === 'true';
  return cell;
}

/** Compares CSV rows (keyed like the JSON rows) column by column through `columns`: CSV name → JSON getter. */
export function compareCsv(
  body: string,
  expectedRows: Record<string, unknown>[],
  columns: [string, (row: Record<string, unknown>) => unknown][],
  key: (csvRow: Record<string, string>) => string,
  expectedKey: (row: Record<string, unknown>) => string,
): string[] {
  const { header, rows } = parseCsv(body);
  const problems: string[] = [];
  const names = columns.map(([name]) => name);
  if (JSON.stringify(header) !== JSON.stringify(names)) {
    problems.push(`CSV header ${header.join(',')}, expected ${names.join(',')}`);
  }
  if (rows.length !== expectedRows.length) {
    problems.push(`CSV has ${rows.length} rows, expected ${expectedRows.length}`);
  }
  const byExpected = new Map(expectedRows.map((r) => [expectedKey(r), r]));
  for (const row of rows) {
    const expected = byExpected.get(key(row));
    if (!expected) {
      problems.push(`CSV row ${key(row)} not expected`);
      continue;
    }
    for (const [name, get] of columns) {
      const e = get(expected);
      problems.push(...compareReport(cellValue(row[name] ?? '', e), e, `csv[${key(row)}].${name}`));
    }
  }
  return problems;
}
