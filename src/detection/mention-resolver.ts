import { type FoundUrl } from './url-scanner';
import { type MatchCandidate } from './match-candidate';
import { type MatchTrace } from './match-trace';

export interface UrlZone extends FoundUrl {
  /** The host belongs to a tracked brand domain; that domain mention stands for the whole host. */
  hasDomainMention: boolean;
  linkTextStart: number | null;
}

/**
 * Decides which candidates become mentions, in text order, as soon as nothing that arrives later can change
 * the decision. Rules:
 * - both word boundaries hold;
 * - no exclusion phrase of the same brand covers the candidate;
 * - a `lowercaseOnly` candidate (an alias that needs a capital letter, matched without one) counts only as a
 *   URL host's label;
 * - inside a URL only the host can name a brand: a tracked domain (subdomains included), or an alias that is
 *   the host's first label ("acme.io", "www.acme.co.uk", "Monday.com"). A name in a path, query or in a
 *   subdomain of someone else's site ("example.com/acme-review", "acme.example.com") does not count, because
 *   it says nothing to the reader about that brand;
 * - among overlapping candidates the longest wins (ties: earlier start, then brand and alias order), so a
 *   span is never counted twice;
 * - a host mention inside a Markdown link destination is dropped when the link text already named that brand
 *   (`[Acme](https://acme.com)` is one mention).
 *
 * Candidates that overlap form a cluster; a cluster is settled once everything before the safe offset is
 * final (no future match can start before it, and URL-like runs around it are complete).
 */
const NOTHING: readonly MatchCandidate[] = Object.freeze([]);
/** Clears scratch slots so settled candidates are not kept alive. */
const NO_CANDIDATE: MatchCandidate = Object.freeze({
  kind: 'alias',
  brandId: '',
  matched: '',
  priority: 0,
  start: 0,
  end: 0,
  lastSymbol: 0,
  nextKnown: true,
  endOk: false,
  linkTextStart: null,
  lowercaseOnly: false,
});

export class MentionResolver {
  /**
   * Candidates awaiting settlement: pending[0, pendingCount), ordered by start, then longest first. A count
   * rather than the array's length: emptying an array releases its storage, and the next candidate would
   * allocate it again (once per mention).
   */
  private readonly pending: MatchCandidate[] = [];
  private pendingCount = 0;
  private exclusions: MatchCandidate[] = [];
  private zones: UrlZone[] = [];
  private readonly lastStartByBrand = new Map<string, number>();
  /** Scratch space of settleCluster (reused: clusters are settled after most chunks). */
  private readonly validScratch: MatchCandidate[] = [];
  private readonly chosenScratch: MatchCandidate[] = [];

  constructor(private readonly trace: MatchTrace | null = null) {}

  addCandidate(candidate: MatchCandidate): void {
    if (candidate.kind === 'near') {
      this.trace?.near(candidate);
      return;
    }
    if (candidate.kind === 'exclusion') {
      this.exclusions.push(candidate);
      return;
    }
    // Candidates arrive in order of their end, so their starts are almost sorted: inserting from the back
    // keeps the list ordered (start, then longest first) in O(1) per candidate in practice.
    // (Shifting by hand: splice() is a runtime call, and a longer alias ending after a shorter one with the
    // same start, "Acme Cloud" after "Acme", is common.)
    const pending = this.pending;
    let at = this.pendingCount++;
    while (at > 0 && MentionResolver.comesAfter(pending[at - 1] as MatchCandidate, candidate)) {
      pending[at] = pending[at - 1] as MatchCandidate;
      at--;
    }
    pending[at] = candidate;
  }

  /** True when nothing awaits settling, so settle() would only prune. */
  get isIdle(): boolean {
    return this.pendingCount === 0;
  }

  /** Start of the earliest candidate still pending (-1: none). */
  get firstPendingStart(): number {
    return this.pendingCount === 0 ? -1 : (this.pending[0] as MatchCandidate).start;
  }

  private static comesAfter(a: MatchCandidate, b: MatchCandidate): boolean {
    return a.start > b.start || (a.start === b.start && a.end < b.end);
  }

  addZone(zone: UrlZone): void {
    this.zones.push(zone);
  }

  /** Settles every cluster that ends at or before `safe` and returns the accepted mentions in text order. */
  settle(safe: number): readonly MatchCandidate[] {
    const pending = this.pending;
    const count = this.pendingCount;
    if (count === 0) {
      // The common case after a chunk: nothing pending. Drop what can no longer matter, allocation-free.
      if (this.exclusions.length > 0 || this.zones.length > 0) this.prune(safe);
      return NOTHING;
    }
    // Allocated on the first accepted cluster: most calls find the first cluster still open.
    let accepted: MatchCandidate[] | null = null;
    let index = 0;
    while (index < count) {
      const first = pending[index] as MatchCandidate;
      let last = index;
      let clusterEnd = first.end;
      let known = first.nextKnown;
      while (last + 1 < count && (pending[last + 1] as MatchCandidate).start < clusterEnd) {
        last++;
        const member = pending[last] as MatchCandidate;
        clusterEnd = Math.max(clusterEnd, member.end);
        known &&= member.nextKnown;
      }
      if (clusterEnd > safe || !known) break;
      accepted ??= [];
      if (last === index) this.settleSingle(first, accepted);
      else this.settleCluster(pending, index, last + 1, accepted);
      index = last + 1;
    }
    if (index > 0) {
      // Drop the settled prefix (slots past the new count are cleared so they keep nothing alive).
      for (let i = index; i < count; i++) pending[i - index] = pending[i] as MatchCandidate;
      pending.fill(NO_CANDIDATE, count - index, count);
      this.pendingCount = count - index;
      this.prune(this.pendingCount === 0 ? safe : Math.min((pending[0] as MatchCandidate).start, safe));
    }
    return accepted ?? NOTHING;
  }

  /** Forgets exclusions and URL zones that end at or before `floor` (no candidate can overlap them). */
  private prune(floor: number): void {
    // Indexed loops: this runs after every chunk while a URL zone or exclusion is live.
    const exclusions = this.exclusions;
    let stale = false;
    for (let i = 0; i < exclusions.length; i++) stale ||= (exclusions[i] as MatchCandidate).end <= floor;
    if (stale) this.exclusions = exclusions.filter((exclusion) => exclusion.end > floor);
    const zones = this.zones;
    stale = false;
    for (let i = 0; i < zones.length; i++) stale ||= (zones[i] as UrlZone).end <= floor;
    if (stale) this.zones = zones.filter((zone) => zone.end > floor);
  }

  /** settleCluster for a cluster of one candidate (the usual case), without the sorting. */
  private settleSingle(candidate: MatchCandidate, accepted: MatchCandidate[]): void {
    if (!this.isValid(candidate)) return;
    const previous = this.lastStartByBrand.get(candidate.brandId);
    if (candidate.linkTextStart !== null && previous !== undefined && previous >= candidate.linkTextStart) {
      this.trace?.rejected(candidate, 'repeated-link', null);
      return;
    }
    this.lastStartByBrand.set(candidate.brandId, candidate.start);
    accepted.push(candidate);
  }

  /**
   * Settles the cluster pending[from, to). Clusters are small (an alias and its longer variants), so they are
   * ordered by insertion sort (stable, like Array.prototype.sort) in reused scratch arrays.
   */
  private settleCluster(
    pending: readonly MatchCandidate[],
    from: number,
    to: number,
    accepted: MatchCandidate[],
  ): void {
    const valid = this.validScratch;
    let validCount = 0;
    for (let i = from; i < to; i++) {
      const candidate = pending[i] as MatchCandidate;
      if (!this.isValid(candidate)) continue;
      let at = validCount++;
      while (at > 0 && MentionResolver.byPreference(valid[at - 1] as MatchCandidate, candidate) > 0) {
        valid[at] = valid[at - 1] as MatchCandidate;
        at--;
      }
      valid[at] = candidate;
    }
    const chosen = this.chosenScratch;
    let chosenCount = 0;
    for (let i = 0; i < validCount; i++) {
      const candidate = valid[i] as MatchCandidate;
      let free = true;
      for (let j = 0; j < chosenCount && free; j++) {
        const other = chosen[j] as MatchCandidate;
        free = other.end <= candidate.start || candidate.end <= other.start;
        if (!free && candidate.kind === 'alias') this.trace?.rejected(candidate, 'overlap', other);
      }
      if (!free) continue;
      let at = chosenCount++;
      while (at > 0 && (chosen[at - 1] as MatchCandidate).start > candidate.start) {
        chosen[at] = chosen[at - 1] as MatchCandidate;
        at--;
      }
      chosen[at] = candidate;
    }
    for (let i = 0; i < chosenCount; i++) {
      const mention = chosen[i] as MatchCandidate;
      const previous = this.lastStartByBrand.get(mention.brandId);
      if (mention.linkTextStart !== null && previous !== undefined && previous >= mention.linkTextStart) {
        this.trace?.rejected(mention, 'repeated-link', null);
        continue;
      }
      this.lastStartByBrand.set(mention.brandId, mention.start);
      accepted.push(mention);
    }
    valid.fill(NO_CANDIDATE, 0, validCount);
    chosen.fill(NO_CANDIDATE, 0, chosenCount);
  }

  /** Longest first, then earlier start, then brand and alias order. */
  private static byPreference(this: void, a: MatchCandidate, b: MatchCandidate): number {
    return b.end - b.start - (a.end - a.start) || a.start - b.start || a.priority - b.priority;
  }

  private isValid(candidate: MatchCandidate): boolean {
    if (candidate.kind === 'domain') return true;
    if (!candidate.endOk) return false;
    // Plain loops, no closures: this runs once per candidate.
    const exclusions = this.exclusions;
    for (let i = 0; i < exclusions.length; i++) {
      const exclusion = exclusions[i] as MatchCandidate;
      if (
        exclusion.endOk &&
        exclusion.brandId === candidate.brandId &&
        exclusion.start <= candidate.start &&
        candidate.end <= exclusion.end
      ) {
        this.trace?.rejected(candidate, 'exclusion', exclusion);
        return false;
      }
    }
    let hostLabel = false;
    const zones = this.zones;
    for (let i = 0; i < zones.length; i++) {
      const zone = zones[i] as UrlZone;
      if (zone.end <= candidate.start || candidate.end <= zone.start) continue;
      if (!MentionResolver.namesHost(candidate, zone)) {
        this.trace?.rejected(candidate, 'url', null);
        return false;
      }
      candidate.linkTextStart = zone.linkTextStart;
      hostLabel = true;
    }
    if (candidate.lowercaseOnly && !hostLabel) {
      this.trace?.rejected(candidate, 'lowercase', null);
      return false;
    }
    return true;
  }

  /** An alias inside a URL counts only as the host's first label (optionally with its public suffix). */
  private static namesHost(candidate: MatchCandidate, zone: UrlZone): boolean {
    if (zone.hasDomainMention) return false;
    if (candidate.start !== zone.labelStart || candidate.end > zone.hostEnd) return false;
    if (candidate.end === zone.hostEnd) return true;
    const host = zone.host.slice(zone.labelStart - zone.hostStart);
    const labels = host.split('.');
    const firstLabel = labels[0] as string;
    if (candidate.end - candidate.start !== firstLabel.length) return false;
    // Without a public suffix list, a suffix of one label ("com", "io") or a short second-level plus TLD
    // ("co.uk", "com.br") is treated as the registrable suffix; anything longer is a subdomain of someone
    // else's site.
    const suffix = labels.slice(1);
    return suffix.length === 1 || (suffix.length === 2 && (suffix[0] as string).length <= 3);
  }
}
