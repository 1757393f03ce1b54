import { type BrandSpec } from './brand-watchlist';
import { CompiledWatchlist } from './compiled-watchlist';
import { type DomainIndex } from './domain-index';
import { FoldChannel } from './fold-channel';
import { MarkdownLinkTracker } from './markdown-link-tracker';
import { type MatchCandidate } from './match-candidate';
import { MentionResolver } from './mention-resolver';
import { UrlScanner } from './url-scanner';

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
  private runStart: number | null = null;
  private runText = '';
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

    let index = 0;
    if (this.heldHighSurrogate !== null) {
      const high = this.heldHighSurrogate;
      this.heldHighSurrogate = null;
      const low = text.charCodeAt(0);
      if (low >= 0xdc00 && low <= 0xdfff) {
        this.consume(0x10000 + ((high - 0xd800) << 10) + (low - 0xdc00), chunkStart - 1, chunkStart + 1);
        index = 1;
      } else {
        this.consume(high, chunkStart - 1, chunkStart);
      }
    }
    while (index < text.length) {
      const unit = text.charCodeAt(index);
      if (unit >= 0xd800 && unit <= 0xdbff) {
        if (index + 1 === text.length) {
          // The rest of this character is in the next chunk; offsets must still count it as one.
          this.heldHighSurrogate = unit;
          break;
        }
        const low = text.charCodeAt(index + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          this.consume(
            0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00),
            chunkStart + index,
            chunkStart + index + 2,
          );
          index += 2;
          continue;
        }
      }
      this.consume(unit, chunkStart + index, chunkStart + index + 1);
      index++;
    }
    return this.settle(false);
  }

  /** The stream is complete: confirms everything still pending. */
  end(): DetectedMention[] {
    if (this.ended) return [];
    if (this.heldHighSurrogate !== null) {
      this.consume(this.heldHighSurrogate, this.received - 1, this.received);
      this.heldHighSurrogate = null;
    }
    this.finishRun();
    for (const channel of this.channels) channel.finish();
    this.ended = true;
    return this.settle(true);
  }

  private consume(codePoint: number, rawStart: number, rawEnd: number): void {
    if (IncrementalMatcher.isUrlCharacter(codePoint)) {
      if (this.runStart === null) {
        this.runStart = rawStart;
        this.runText = '';
      }
      this.runText += String.fromCharCode(codePoint);
    } else if (this.runStart !== null) {
      this.finishRun();
    }
    this.links.observe(codePoint, rawStart);
    for (const channel of this.channels) channel.consume(codePoint, rawStart, rawEnd);
    this.consumed = rawEnd;
  }

  private finishRun(): void {
    if (this.runStart === null) return;
    const runStart = this.runStart;
    for (const url of UrlScanner.scan(this.runText, runStart)) {
      const relative = url.start - runStart;
      const precededBy = relative >= 2 ? this.runText.slice(relative - 2, relative) : '';
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
    this.runStart = null;
    this.runText = '';
  }

  private settle(final: boolean): DetectedMention[] {
    let safe = final ? Infinity : (this.runStart ?? this.consumed);
    if (!final) for (const channel of this.channels) safe = Math.min(safe, channel.horizon(this.consumed));
    return this.resolver.settle(safe).map((candidate) => this.toMention(candidate));
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

  /** Printable ASCII that can appear in a URL; anything else ends a URL-like run. */
  private static isUrlCharacter(codePoint: number): boolean {
    if (codePoint < 0x21 || codePoint > 0x7e) return false;
    return !'<>"`{}|\\^'.includes(String.fromCharCode(codePoint));
  }
}
