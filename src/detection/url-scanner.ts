/**
 * Finds URLs and bare host names inside one "URL-like run" of the answer (a maximal run of printable ASCII
 * without whitespace; hosts are matched in ASCII only, IDN hosts are treated as prose).
 *
 * Recognised, in this order at each position:
 * - `scheme://[user@]host[:port][/path...]`
 * - `www.host...` (any letter case)
 * - bare `label.label...tld` where the last label is 2-63 lower-case ASCII letters, optionally followed by a
 *   port and a path. Requiring a lower-case TLD is what tells "acme.com" and "Monday.com" (hosts) from a
 *   missing space after a full stop ("Acme.The"), "ASP.NET", "3.5" or "U.S.".
 * Trailing sentence punctuation, emphasis markers and unbalanced closing brackets are not part of a URL, so
 * `(see https://acme.com/x).` and `[Acme](https://acme.com)` end where a reader would expect.
 */
export interface FoundUrl {
  /** Raw span of the whole URL (host plus path); names inside it only count through the host rules. */
  start: number;
  end: number;
  hostStart: number;
  hostEnd: number;
  /** Lower-cased host without a trailing dot. */
  host: string;
  /** Where the first meaningful label starts: after a leading "www.". */
  labelStart: number;
}

/** What an ASCII code unit means for URL-like runs; anything non-ASCII ends a run. */
export const ENDS_RUN = 0;
/** Printable ASCII that can appear in a URL. */
export const RUN = 1;
/** `.` or `:` (followed by another run character, it makes the run URL-like). */
export const DOT_OR_COLON = 2;
/** `[` or `]`, which the Markdown link tracker needs to see. */
export const BRACKET = 3;
export const RUN_KIND = new Uint8Array(128);
for (let unit = 0x21; unit <= 0x7e; unit++) {
  if (!'<>"`{}|\\^'.includes(String.fromCharCode(unit))) RUN_KIND[unit] = RUN;
}
RUN_KIND[0x2e] = DOT_OR_COLON;
RUN_KIND[0x3a] = DOT_OR_COLON;
RUN_KIND[0x5b] = BRACKET;
RUN_KIND[0x5d] = BRACKET;

/**
 * ASCII code units (1) after which the run and link state of a chunk cannot be derived from the position of
 * its last run-ending character alone: everything but plain run characters and the space. The fold channel
 * flags chunks holding one, and only those chunks get the full run scan (see IncrementalMatcher.push).
 */
export const RUN_NOTABLE = new Uint8Array(128);
for (let unit = 0; unit < 128; unit++) {
  if (RUN_KIND[unit] !== RUN && unit !== 0x20) RUN_NOTABLE[unit] = 1;
}

const URL_PATTERN =
  /(?<scheme>[A-Za-z][A-Za-z0-9+.-]{0,15}:\/\/)(?<auth>[^\s/?#@[\]()<>]*@)?(?<host>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)(?<rest>[^\s<>"`]*)|(?<![A-Za-z0-9._-])(?<bare>[wW]{3}\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)*[A-Za-z]{2,63}|(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[a-z]{2,63})(?![A-Za-z0-9_-])(?<bareRest>(?::\d{1,5})?(?:[/?#][^\s<>"`]*)?)/g;

const TRAILING_PUNCTUATION = new Set(['.', ',', ';', ':', '!', '?', "'", '"', '*', '_', '~']);

function trimTrailing(rest: string): string {
  let end = rest.length;
  for (;;) {
    if (end === 0) return '';
    const last = rest[end - 1] as string;
    if (TRAILING_PUNCTUATION.has(last)) {
      end--;
      continue;
    }
    const open = last === ')' ? '(' : last === ']' ? '[' : null;
    if (open !== null) {
      const body = rest.slice(0, end);
      const opens = body.split(open).length - 1;
      const closes = body.split(last).length - 1;
      if (closes > opens) {
        end--;
        continue;
      }
    }
    return rest.slice(0, end);
  }
}

export class UrlScanner {
  /** `run` is the raw text of one URL-like run, `base` its raw offset in the answer. */
  static scan(run: string, base: number): FoundUrl[] {
    const found: FoundUrl[] = [];
    for (const match of run.matchAll(URL_PATTERN)) {
      const groups = match.groups ?? {};
      const start = match.index;
      let hostOffset: number;
      let hostText: string;
      let rest: string;
      if (groups.scheme !== undefined && groups.host !== undefined) {
        hostOffset = start + groups.scheme.length + (groups.auth?.length ?? 0);
        hostText = groups.host;
        rest = groups.rest ?? '';
      } else if (groups.bare !== undefined) {
        hostOffset = start;
        hostText = groups.bare;
        rest = groups.bareRest ?? '';
      } else {
        continue;
      }
      // A host may end with dots ("https://acme.com." at the end of a sentence) that belong to the prose.
      const trimmedHost = hostText.replace(/[.-]+$/, '');
      const trimmedRest = trimmedHost.length === hostText.length ? trimTrailing(rest) : '';
      const hostStart = base + hostOffset;
      const hostEnd = hostStart + trimmedHost.length;
      const host = trimmedHost.toLowerCase();
      if (!host.includes('.') && groups.scheme === undefined) continue;
      found.push({
        start: base + start,
        end: hostEnd + trimmedRest.length,
        hostStart,
        hostEnd,
        host,
        labelStart: host.startsWith('www.') ? hostStart + 4 : hostStart,
      });
    }
    return found;
  }
}
