import { createHash } from 'node:crypto';

/**
 * A UUID (version 8 layout) derived from its parts with SHA-256: the same parts always give the same id, so
 * an insert keyed by it is idempotent across retries and replicas.
 */
export function derivedUuid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('|')).digest();
  h[6] = (h[6]! & 0x0f) | 0x80;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const hex = h.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
