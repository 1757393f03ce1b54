import { type BrandSpec } from './brand-watchlist';
import { CompiledWatchlist } from './compiled-watchlist';
import { type DomainIndex } from './domain-index';
import { FoldChannel } from './fold-channel';
import { MarkdownLinkTracker } from './markdown-link-tracker';
import { type MatchCandidate } from './match-candidate';
import { MentionResolver } from './mention-resolver';
import { UrlScanner } from './url-scanner';

/** 1 for printable ASCII that can appear in a URL; anything else ends a URL-like run. */
const URL_CHARACTER = new Uint8Array(128);
for (let unit = 0x21; unit <= 0x7e; unit++) {
  if (!'<>"`{}|\\^'.includes(String.fromCharCode(unit))) URL_CHARACTER[unit] = 1;
}

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
 * automaton per fold profile and keeps the chunk arrival times.
 *
 * A mention is confirmed once the text after it can no longer change the verdict: the next symbol (word
 * boundary), the rest of any longer alias or exclusion phrase that could still cover it, and the end of the
 * surrounding URL-like run (the next whitespace or non-ASCII character) so names inside URLs can be told
 * apart. Its visibleAtUs is still the arrival of the chunk holding its last character.
 */
export class IncrementalMatcher {
  private readonly channels: FoldChannel[];
  private readonly domains: DomainIndex;
  private readonly resolver = new MentionResolver();
  private readonly links = new MarkdownLinkTracker();
  private readonly chunkEnds: number[] = [];
  private readonly chunkArrivalsUs: number[] = [];
  private received = 0;
  private consumed = 0;
  private heldHighSurrogate: number | null = null;
  /** Raw start of the URL-like run in progress, or -1. */
  private runStart = -1;
  /** Earlier chunks overlapping the run in progress (whole), the first starting at runPiecesStart. */
  private readonly runPieces: string[] = [];
  private runPiecesStart = 0;
  /**
   * The run holds a `.` or `:` followed by another run character. Only such runs can contain a URL or host
   * (UrlScanner needs "://" or a dot before a letter), so plain words are never scanned.
   */
  private runMayHoldUrl = false;
  private previousDotOrColon = false;
  private ended = false;

  /** Pass a CompiledWatchlist to reuse one compilation across runs of the same project. */
  constructor(brands: BrandSpec[] | CompiledWatchlist) {
    const compiled = brands instanceof CompiledWatchlist ? brands : new CompiledWatchlist(brands);
    this.domains = compiled.domains;
    this.channels = compiled.channels.map(
      (channel) =>
        new FoldChannel(channel.normalizer, channel.automaton, channel.patterns, (candidate) =>
          this.resolver.addCandidate(candidate),
        ),
    );
  }

  /** Feeds the next chunk of answer text; returns the mentions confirmed by it. */
  push(text: string, arrivalUs: number): DetectedMention[] {
    if (this.ended) throw new Error('IncrementalMatcher.push() called after end()');
    if (text.length === 0) return [];
    const chunkStart = this.received;
    this.received += text.length;
    this.chunkEnds.push(this.received);
    this.chunkArrivalsUs.push(arrivalUs);

    this.scanRuns(text, chunkStart);

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
    if (to > from) for (const channel of this.channels) channel.consumeRange(text, from, to, chunkStart);
    this.consumed = chunkStart + to;
    return this.settle(false);
  }

  /** The stream is complete: confirms everything still pending. */
  end(): DetectedMention[] {
    if (this.ended) return [];
    if (this.heldHighSurrogate !== null) {
      for (const channel of this.channels) {
        channel.consume(this.heldHighSurrogate, this.received - 1, this.received);
      }
      this.heldHighSurrogate = null;
      this.consumed = this.received;
    }
    this.finishRun('', 0);
    for (const channel of this.channels) channel.finish();
    this.ended = true;
    return this.settle(true);
  }

  /**
   * URL-like runs and Markdown link brackets, one pass over the chunk's code units (anything non-ASCII ends a
   * run and counts as text for the link tracker, so code points need not be decoded here).
   */
  private scanRuns(text: string, chunkStart: number): void {
    const links = this.links;
    const length = text.length;
    for (let index = 0; index < length; index++) {
      const unit = text.charCodeAt(index);
      if (unit < 0x80 && URL_CHARACTER[unit] === 1) {
        if (this.runStart < 0) {
          this.runStart = chunkStart + index;
          this.runMayHoldUrl = false;
          this.previousDotOrColon = false;
        }
        if (unit === 0x2e || unit === 0x3a) {
          if (this.previousDotOrColon) this.runMayHoldUrl = true;
          this.previousDotOrColon = true;
        } else if (this.previousDotOrColon) {
          this.runMayHoldUrl = true;
          this.previousDotOrColon = false;
        }
        if (unit === 0x5b || unit === 0x5d) links.observe(unit, chunkStart + index);
        else if (links.afterLineBreak) links.observe(unit, chunkStart + index);
      } else {
        if (this.runStart >= 0) this.finishRun(text, index, chunkStart);
        if (links.observes(unit)) links.observe(unit, chunkStart + index);
      }
    }
    if (this.runStart >= 0) {
      // Keep the chunk (by reference) in case a later chunk makes the run URL-like ("acme" + ".com").
      if (this.runPieces.length === 0) this.runPiecesStart = chunkStart;
      this.runPieces.push(text);
    }
  }

  /** Ends the run in progress at `text[localEnd]` (text is the current chunk, starting at `chunkStart`). */
  private finishRun(text: string, localEnd: number, chunkStart = this.received): void {
    if (this.runStart < 0) return;
    const runStart = this.runStart;
    this.runStart = -1;
    const pieces = this.runPieces;
    if (!this.runMayHoldUrl) {
      if (pieces.length > 0) pieces.length = 0;
      return;
    }
    const runText =
      pieces.length === 0
        ? text.slice(runStart - chunkStart, localEnd)
        : (pieces.join('') + text.slice(0, localEnd)).slice(runStart - this.runPiecesStart);
    pieces.length = 0;
    for (const url of UrlScanner.scan(runText, runStart)) {
      const relative = url.start - runStart;
      const precededBy = relative >= 2 ? runText.slice(relative - 2, relative) : '';
      const linkTextStart = this.links.linkTextStartFor(url.start, precededBy);
      const owner = this.domains.isEmpty ? null : this.domains.ownerOf(url.host);
      this.resolver.addZone({ ...url, hasDomainMention: owner !== null, linkTextStart });
      if (owner !== null) {
        this.resolver.addCandidate({
          kind: 'domain',
          brandId: owner.brandId,
          matched: owner.domain,
          priority: 0,
          start: url.hostStart,
          end: url.hostEnd,
          lastSymbol: 0,
          nextKnown: true,
          endOk: true,
          linkTextStart,
        });
      }
    }
  }

  private settle(final: boolean): DetectedMention[] {
    let safe = final ? Infinity : this.runStart >= 0 ? this.runStart : this.consumed;
    if (!final) for (const channel of this.channels) safe = Math.min(safe, channel.horizon(this.consumed));
    const accepted = this.resolver.settle(safe);
    return accepted.length === 0 ? [] : accepted.map((candidate) => this.toMention(candidate));
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

  /** Arrival of the chunk holding raw offset `offset` (binary search over chunk ends). */
  private arrivalOf(offset: number): number {
    let low = 0;
    let high = this.chunkEnds.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((this.chunkEnds[mid] as number) > offset) high = mid;
      else low = mid + 1;
    }
    return this.chunkArrivalsUs[low] as number;
  }
}
