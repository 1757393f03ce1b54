import { type BrandSpec } from './brand-watchlist';
import { CompiledWatchlist } from './compiled-watchlist';
import { FoldChannel } from './fold-channel';
import { type MatchCandidate } from './match-candidate';
import { type MatchTrace } from './match-trace';
import { MentionResolver } from './mention-resolver';
import { UrlRunTracker } from './url-run-tracker';

/**
 * What push() returns for the usual chunk that confirms nothing (shared, so that costs no allocation). Not
 * frozen: a frozen array has another elements kind, which takes callers' for-of loops off V8's fast path (an
 * iterator allocated per chunk). The readonly type keeps callers from changing it.
 */
const NO_MENTIONS: readonly DetectedMention[] = [];

const MAX_OFFSET = 0x7fffffff;

export interface DetectedMention {
  brandId: string;
  /** The alias or domain as configured. */
  matched: string;
  /** UTF-16 offsets into the raw answer text, end exclusive. */
  charStart: number;
  charEnd: number;
  /** Arrival (µs since the request was sent) of the chunk holding the mention's last character. */
  visibleAtUs: number;
}

/**
 * Finds brand mentions in an answer fed chunk by chunk, reporting each mention once, in text order, as soon
 * as it is certain. Matching rules live in TextNormalizer (what counts as equal), WordBoundary, UrlScanner and
 * MentionResolver (what counts at all); this class decodes code points across chunk edges, runs one
 * automaton per fold profile (FoldChannel), follows URL-like runs (UrlRunTracker) and keeps the chunk
 * arrival times.
 *
 * A mention is confirmed once the text after it can no longer change the verdict: the next symbol (word
 * boundary), the rest of any longer alias or exclusion phrase that could still cover it, and the end of the
 * surrounding URL-like run (the next whitespace or non-ASCII character) so names inside URLs can be told
 * apart. Its visibleAtUs is still the arrival of the chunk holding its last character.
 */
export class IncrementalMatcher {
  private readonly channels: FoldChannel[];
  private readonly resolver: MentionResolver;
  private readonly runs: UrlRunTracker;
  /**
   * End offset and arrival of the chunks that may still hold a mention's last character, as a ring: entry i
   * (0 <= i < chunkCount) at index (chunkHead + i) & (capacity - 1). Chunks that end before every future
   * mention can start are dropped (see settle), so the ring stays a few entries long whatever the answer's
   * length, and pushing a chunk allocates nothing.
   */
  private chunkEnds = new Float64Array(16);
  private chunkArrivalsUs = new Float64Array(16);
  private chunkHead = 0;
  private chunkCount = 0;
  private received = 0;
  private consumed = 0;
  private heldHighSurrogate: number | null = null;
  private ended = false;

  /**
   * Pass a CompiledWatchlist to reuse one compilation across runs of the same project. A trace (the explain
   * endpoint's) is told about every match a rule rejected; the pipeline passes none.
   */
  constructor(brands: BrandSpec[] | CompiledWatchlist, trace: MatchTrace | null = null) {
    const compiled = brands instanceof CompiledWatchlist ? brands : new CompiledWatchlist(brands);
    this.resolver = new MentionResolver(trace);
    this.runs = new UrlRunTracker(compiled.domains, this.resolver);
    this.channels = compiled.channels.map(
      (channel) =>
        new FoldChannel(
          channel.normalizer,
          channel.automaton,
          channel.patterns,
          (candidate) => this.resolver.addCandidate(candidate),
          trace,
        ),
    );
  }

  /** Feeds the next chunk of answer text; returns the mentions confirmed by it. */
  push(text: string, arrivalUs: number): readonly DetectedMention[] {
    if (this.ended) throw new Error('IncrementalMatcher.push() called after end()');
    if (text.length === 0) return NO_MENTIONS;
    const chunkStart = this.received;
    // Offsets are kept in 32-bit integer arrays (far beyond any answer's length).
    if (chunkStart + text.length > MAX_OFFSET) throw new Error('IncrementalMatcher: answer too long');
    this.received += text.length;
    this.recordChunk(this.received, arrivalUs);

    let from = 0;
    let to = text.length;
    if (this.heldHighSurrogate !== null) {
      const high = this.heldHighSurrogate;
      this.heldHighSurrogate = null;
      const low = text.charCodeAt(0);
      if (low >= 0xdc00 && low <= 0xdfff) {
        const codePoint = 0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00);
        for (const channel of this.channels) channel.consume(codePoint, chunkStart - 1, chunkStart + 1);
        from = 1;
      } else {
        for (const channel of this.channels) channel.consume(high, chunkStart - 1, chunkStart);
      }
    }
    const last = text.charCodeAt(to - 1);
    if (to > from && last >= 0xd800 && last <= 0xdbff) {
      // The rest of this character is in the next chunk; offsets must still count it as one.
      this.heldHighSurrogate = last;
      to--;
    }
    const channels = this.channels;
    if (to > from) {
      for (let i = 0; i < channels.length; i++) {
        (channels[i] as FoldChannel).consumeRange(text, from, to, chunkStart);
      }
    }
    // Run tracking after matching is fine: its zones and domain candidates are only read by settle().
    this.runs.track(text, chunkStart, from, to, channels[0]);
    this.consumed = chunkStart + to;
    return this.settle(false);
  }

  /** The stream is complete: confirms everything still pending. */
  end(): readonly DetectedMention[] {
    if (this.ended) return NO_MENTIONS;
    if (this.heldHighSurrogate !== null) {
      for (const channel of this.channels) {
        channel.consume(this.heldHighSurrogate, this.received - 1, this.received);
      }
      this.heldHighSurrogate = null;
      this.consumed = this.received;
    }
    this.runs.finishRun('', 0, this.received);
    for (const channel of this.channels) channel.finish();
    this.ended = true;
    return this.settle(true);
  }

  /**
   * Settles what the text so far makes certain. Offsets stay small integers here (no Infinity, no
   * Math.min over a possibly infinite value): V8 then passes them without allocating a heap number, which
   * once per chunk would be most of the matcher's garbage.
   */
  private settle(final: boolean): readonly DetectedMention[] {
    if (final) return this.toMentions(this.resolver.settle(Infinity));
    const runStart = this.runs.pendingRunStart;
    let safe = runStart >= 0 ? runStart : this.consumed;
    const channels = this.channels;
    for (let i = 0; i < channels.length; i++) {
      const horizon = (channels[i] as FoldChannel).horizon(this.consumed);
      if (horizon < safe) safe = horizon;
    }
    const mentions = this.toMentions(this.resolver.settle(safe));
    // Every mention still to come ends after its start, and starts at or after `safe` (no future match can
    // start before a channel's horizon or the URL-like run in progress) or is pending in the resolver.
    const pendingStart = this.resolver.firstPendingStart;
    this.dropChunksBefore(pendingStart >= 0 && pendingStart < safe ? pendingStart : safe);
    return mentions;
  }

  private toMentions(accepted: readonly MatchCandidate[]): readonly DetectedMention[] {
    if (accepted.length === 0) return NO_MENTIONS;
    const mentions: DetectedMention[] = [];
    for (let i = 0; i < accepted.length; i++) mentions.push(this.toMention(accepted[i] as MatchCandidate));
    return mentions;
  }

  private recordChunk(end: number, arrivalUs: number): void {
    let capacity = this.chunkEnds.length;
    if (this.chunkCount === capacity) {
      const ends = new Float64Array(capacity * 2);
      const arrivals = new Float64Array(capacity * 2);
      for (let i = 0; i < capacity; i++) {
        const from = (this.chunkHead + i) & (capacity - 1);
        ends[i] = this.chunkEnds[from] as number;
        arrivals[i] = this.chunkArrivalsUs[from] as number;
      }
      this.chunkEnds = ends;
      this.chunkArrivalsUs = arrivals;
      this.chunkHead = 0;
      capacity *= 2;
    }
    const at = (this.chunkHead + this.chunkCount++) & (capacity - 1);
    this.chunkEnds[at] = end;
    this.chunkArrivalsUs[at] = arrivalUs;
  }

  /** Forgets the chunks that end at or before `floor` (keeping the last one). */
  private dropChunksBefore(floor: number): void {
    const ends = this.chunkEnds;
    const mask = ends.length - 1;
    let head = this.chunkHead;
    let count = this.chunkCount;
    while (count > 1 && (ends[head] as number) <= floor) {
      head = (head + 1) & mask;
      count--;
    }
    this.chunkHead = head;
    this.chunkCount = count;
  }

  private toMention(candidate: MatchCandidate): DetectedMention {
    return {
      brandId: candidate.brandId,
      matched: candidate.matched,
      charStart: candidate.start,
      charEnd: candidate.end,
      visibleAtUs: this.arrivalOf(candidate.end - 1),
    };
  }

  /** Arrival of the chunk holding raw offset `offset` (binary search over the chunk ends kept). */
  private arrivalOf(offset: number): number {
    const ends = this.chunkEnds;
    const mask = ends.length - 1;
    const head = this.chunkHead;
    let low = 0;
    let high = this.chunkCount - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((ends[(head + mid) & mask] as number) > offset) high = mid;
      else low = mid + 1;
    }
    return this.chunkArrivalsUs[(head + low) & mask] as number;
  }
}
