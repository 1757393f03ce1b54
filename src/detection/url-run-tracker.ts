import { type DomainIndex } from './domain-index';
import { type FoldChannel } from './fold-channel';
import { MarkdownLinkTracker } from './markdown-link-tracker';
import { type MentionResolver } from './mention-resolver';
import { BRACKET, DOT_OR_COLON, ENDS_RUN, RUN_KIND, UrlScanner } from './url-scanner';

/**
 * IncrementalMatcher's URL-like runs (stretches of ASCII run characters, see RUN_KIND) and Markdown link
 * brackets, followed chunk by chunk: a run that may hold a URL or host is scanned when it ends, and each URL
 * found goes to the resolver as a zone (plus a domain candidate when its host belongs to a tracked brand).
 */
export class UrlRunTracker {
  private readonly links = new MarkdownLinkTracker();
  /** Raw start of the URL-like run in progress, or -1. */
  private runStart = -1;
  /**
   * Earlier chunks overlapping the run in progress (whole), the first starting at runPiecesStart: the first
   * runPieceCount entries (the array is reused, not truncated).
   */
  private readonly runPieces: string[] = [];
  private runPieceCount = 0;
  private runPiecesStart = 0;
  /**
   * The run holds a `.` or `:` followed by another run character. Only such runs can contain a URL or host
   * (UrlScanner needs "://" or a dot before a letter), so plain words are never scanned.
   */
  private runMayHoldUrl = false;
  private previousDotOrColon = false;

  constructor(
    private readonly domains: DomainIndex,
    private readonly resolver: MentionResolver,
  ) {}

  /** Raw start of the URL-like run in progress, or -1: no future match can start before it is scanned. */
  get pendingRunStart(): number {
    return this.runStart;
  }

  /**
   * Follows the chunk `text` (raw offset `chunkStart`) after the channels consumed text[from, to); `first`
   * is the first channel, whose loop already noted the chunk's run breaks.
   */
  track(text: string, chunkStart: number, from: number, to: number, first: FoldChannel | undefined): void {
    if (
      first !== undefined &&
      to > from &&
      !first.sawRunNotable &&
      !this.runMayHoldUrl &&
      !this.previousDotOrColon &&
      !this.links.afterLineBreak
    ) {
      // The usual chunk (letters, digits, spaces, plain punctuation): the first channel's loop already found
      // its last run break, which with this state is all the run tracking needs. Surrogate halves outside
      // [from, to) also end runs.
      let lastBreak = to < text.length ? text.length - 1 : first.lastRunBreak;
      if (lastBreak < 0 && from > 0) lastBreak = from - 1;
      this.skipPlainRuns(text, chunkStart, lastBreak);
    } else {
      this.scanRuns(text, chunkStart);
    }
  }

  /**
   * URL-like runs and Markdown link brackets, one pass over the chunk's code units (anything non-ASCII ends a
   * run and counts as text for the link tracker, so code points need not be decoded here). The run state
   * lives in locals during the loop and is written back before anything that reads it (finishRun).
   */
  private scanRuns(text: string, chunkStart: number): void {
    const links = this.links;
    const length = text.length;
    let runStart = this.runStart;
    let mayHoldUrl = this.runMayHoldUrl;
    let previousDotOrColon = this.previousDotOrColon;
    // Mirrors links.afterLineBreak, which only observe() changes.
    let afterLineBreak = links.afterLineBreak;
    for (let index = 0; index < length; index++) {
      const unit = text.charCodeAt(index);
      const kind = unit < 0x80 ? (RUN_KIND[unit] as number) : ENDS_RUN;
      if (kind !== ENDS_RUN) {
        if (runStart < 0) {
          runStart = chunkStart + index;
          mayHoldUrl = false;
          previousDotOrColon = false;
        }
        if (kind === DOT_OR_COLON) {
          if (previousDotOrColon) mayHoldUrl = true;
          previousDotOrColon = true;
        } else if (previousDotOrColon) {
          mayHoldUrl = true;
          previousDotOrColon = false;
        }
        if (kind === BRACKET || afterLineBreak) {
          links.observe(unit, chunkStart + index);
          afterLineBreak = links.afterLineBreak;
        }
      } else {
        if (runStart >= 0) {
          if (mayHoldUrl) {
            this.runStart = runStart;
            this.runMayHoldUrl = true;
            this.finishRun(text, index, chunkStart);
          } else {
            this.runPieceCount = 0;
          }
          runStart = -1;
        }
        // What links.observes() tests: line feeds and the first non-blank character after one.
        if (unit === 0x0a || (afterLineBreak && unit !== 0x20 && unit !== 0x09 && unit !== 0x0d)) {
          links.observe(unit, chunkStart + index);
          afterLineBreak = links.afterLineBreak;
        }
      }
    }
    this.runStart = runStart;
    this.runMayHoldUrl = mayHoldUrl;
    this.previousDotOrColon = previousDotOrColon;
    if (runStart >= 0) {
      // Keep the chunk (by reference) in case a later chunk makes the run URL-like ("acme" + ".com").
      if (this.runPieceCount === 0) this.runPiecesStart = chunkStart;
      this.runPieces[this.runPieceCount++] = text;
    }
  }

  /**
   * scanRuns for a chunk without RUN_NOTABLE units, when no URL-like run or line break is pending: no run
   * can become URL-like and the link tracker would see nothing, so only the run boundaries move.
   * `lastBreak` is the index of the chunk's last run-ending unit, or -1.
   */
  private skipPlainRuns(text: string, chunkStart: number, lastBreak: number): void {
    if (lastBreak >= 0) {
      // Any run in progress ended (not URL-like); a new one starts after the break, if anything follows.
      this.runPieceCount = 0;
      this.runStart = lastBreak + 1 < text.length ? chunkStart + lastBreak + 1 : -1;
    } else if (this.runStart < 0) {
      this.runStart = chunkStart;
    }
    if (this.runStart >= 0) {
      if (this.runPieceCount === 0) this.runPiecesStart = chunkStart;
      this.runPieces[this.runPieceCount++] = text;
    }
  }

  /** Ends the run in progress at `text[localEnd]` (text is the current chunk, starting at `chunkStart`). */
  finishRun(text: string, localEnd: number, chunkStart: number): void {
    if (this.runStart < 0) return;
    const runStart = this.runStart;
    this.runStart = -1;
    const pieceCount = this.runPieceCount;
    this.runPieceCount = 0;
    if (!this.runMayHoldUrl) return;
    let runText: string;
    if (pieceCount === 0) runText = text.slice(runStart - chunkStart, localEnd);
    else {
      runText = '';
      for (let i = 0; i < pieceCount; i++) runText += this.runPieces[i] as string;
      runText = (runText + text.slice(0, localEnd)).slice(runStart - this.runPiecesStart);
    }
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
          lowercaseOnly: false,
        });
      }
    }
  }
}
