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
