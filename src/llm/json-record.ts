/** Narrowing for parsed JSON: provider payloads are untrusted and checked field by field. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
