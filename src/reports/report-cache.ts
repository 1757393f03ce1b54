// The report response cache's pure parts: the key of a report request, the cached response, and a byte-capped
// LRU that serves a response only for the exact report state it was computed at, with one computation shared
// by concurrent identical requests. Why it is per process and never stale: docs/reports.md "Response cache".
import { createHash } from 'node:crypto';

/** A report response as sent: the exact bytes (UTF-8 text), their headers and their content hash. */
export interface CachedReport {
  body: string;
  contentType: string;
  /** `Content-Disposition` of a CSV file, absent for JSON. */
  disposition?: string;
  /** Strong validator of the bytes: equal bodies have equal tags on every replica. */
  etag: string;
  bytes: number;
}

/** Bookkeeping per entry (key, state, Map slot) on top of its body, so many tiny entries still count. */
const ENTRY_OVERHEAD_BYTES = 512;

export function cachedReport(body: string, contentType: string, disposition?: string): CachedReport {
  const bytes = Buffer.byteLength(body, 'utf8');
  const etag = `"${createHash('sha256').update(body, 'utf8').digest('base64url').slice(0, 32)}"`;
  return disposition === undefined
    ? { body, contentType, etag, bytes }
    : { body, contentType, disposition, etag, bytes };
}

/**
 * The cache key of a report request: the workspace, the route, the query exactly as parsed (only the order of
 * its parameters normalized, so two requests share a key only when the handler sees the same input) and the
 * negotiated format. Null when the request is not cacheable: without `to` a report ends at "now", so its body
 * differs from one millisecond to the next; values that are neither strings nor lists of strings are left to
 * the handler's validation.
 */
export function reportCacheKey(
  workspaceId: string,
  route: string,
  query: Record<string, unknown>,
  format: 'json' | 'csv',
): string | null {
  if (typeof query.to !== 'string') return null;
  const entries: [string, string | string[]][] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    if (typeof value === 'string') entries.push([name, value]);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) entries.push([name, value]);
    else return null;
  }
  return JSON.stringify([workspaceId, route, format, entries]);
}

interface Slot {
  state: string;
  report: CachedReport;
  size: number;
}

/**
 * At most `maxBytes` of report responses, least recently used evicted first, one per key: the response of the
 * newest state seen. `get` answers only for the exact `state` the response was computed at, so a response is
 * never served once anything it reads has changed (the caller reads the state from the database per request).
 */
export class ReportResponseCache {
  private readonly slots = new Map<string, Slot>();
  private readonly pending = new Map<string, Promise<CachedReport | null>>();
  private used = 0;

  constructor(private readonly maxBytes: number) {}

  get size(): { entries: number; bytes: number } {
    return { entries: this.slots.size, bytes: this.used };
  }

  get(key: string, state: string): CachedReport | undefined {
    const slot = this.slots.get(key);
    if (!slot || slot.state !== state) return undefined;
    // Most recently used last: Map iteration order is insertion order.
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot.report;
  }

  set(key: string, state: string, report: CachedReport): void {
    const size = report.bytes + key.length + state.length + ENTRY_OVERHEAD_BYTES;
    this.remove(key);
    // One response may take at most a quarter of the cache, so a huge export cannot flush everything else.
    if (size > this.maxBytes / 4) return;
    this.slots.set(key, { state, report, size });
    this.used += size;
    for (const [oldest] of this.slots) {
      if (this.used <= this.maxBytes) break;
      this.remove(oldest);
    }
  }

  /**
   * The response for (key, state): cached, or being computed by another request (awaited), or computed by
   * `compute` and cached. `compute` answering null (a response that is not cacheable) or failing leaves the
   * requests that waited on it to compute their own (`null` is returned to them).
   */
  async load(
    key: string,
    state: string,
    compute: () => Promise<CachedReport | null>,
  ): Promise<{ report: CachedReport | null; source: 'hit' | 'shared' | 'miss' }> {
    const cached = this.get(key, state);
    if (cached) return { report: cached, source: 'hit' };
    const flight = `${key}\n${state}`;
    const running = this.pending.get(flight);
    if (running) return { report: await running.catch(() => null), source: 'shared' };
    const computing = compute().then((report) => {
      if (report) this.set(key, state, report);
      return report;
    });
    this.pending.set(flight, computing);
    try {
      return { report: await computing, source: 'miss' };
    } finally {
      this.pending.delete(flight);
    }
  }

  private remove(key: string): void {
    const slot = this.slots.get(key);
    if (!slot) return;
    this.slots.delete(key);
    this.used -= slot.size;
  }
}
