import { encodeDigest } from '../../src/reports/digest/digest-codec';
import { type ReportDigest } from '../../src/reports/digest/report-digest';

/** The digest as JSON with sorted keys: two digests of the same runs are equal whatever their merge order. */
export function canonicalDigest(d: ReportDigest): string {
  const sortKeys = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(sortKeys)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(
            Object.entries(v)
              .sort(([x], [y]) => (x < y ? -1 : 1))
              .map(([k, x]) => [k, sortKeys(x)]),
          )
        : v;
  return JSON.stringify(sortKeys(JSON.parse(encodeDigest(d))));
}
