/**
 * Per code point folding shared by alias compilation and the streamed answer, so both sides of a comparison
 * go through exactly the same rules. Working per code point (never per string) is what lets the matcher
 * consume a stream in arbitrary chunks and still map every folded symbol back to a raw UTF-16 offset.
 *
 * Rules, in order:
 * - Markdown emphasis/code markers (`*`, `_`, `` ` ``, `~`) and invisible format characters (zero width
 *   space, word joiner, BOM, soft hyphen) are dropped, so `**Acme**`, `*Ac*me` and `Ac\u00ADme` read "acme".
 * - Every whitespace character (incl. NBSP, thin spaces, ideographic space, line breaks) becomes one space;
 *   runs are collapsed by the caller.
 * - Curly/prime apostrophes become `'`, curly quotes become `"`, and hyphen/dash variants become `-`.
 * - Everything else is decomposed with NFKD. Comparing NFKD forms is equivalent to comparing NFKC forms
 *   (same equivalence classes), but keeps combining marks as separate symbols so diacritic folding can drop
 *   them and offsets stay per code point.
 * - Case folding (when the profile asks for it) is `toUpperCase().toLowerCase()`, which handles ß→ss and
 *   final sigma, the cases plain lower-casing gets wrong.
 * - Diacritic folding drops nonspacing marks and maps the few Latin letters that carry a "diacritic" without
 *   decomposing (ø, ł, đ, ħ, ı, æ, œ, ß, þ, ð).
 */
export interface FoldProfile {
  caseFold: boolean;
  diacriticFold: boolean;
}

/** Symbol used for every whitespace run. */
export const SPACE = 0x20;

const IGNORED = new Set([0x2a, 0x5f, 0x60, 0x7e, 0x200b, 0x2060, 0xfeff, 0xad]);
const APOSTROPHES = new Set([0x2018, 0x2019, 0x201b, 0x02bc, 0x2032, 0xff07]);
const QUOTES = new Set([0x201c, 0x201d, 0x201e, 0x201f, 0x2033, 0x00ab, 0x00bb, 0xff02]);
const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d]);
const WHITESPACE = /^\s$/u;
const NONSPACING_MARK = /^\p{Mn}$/u;
const CAPITAL = /^[\p{Lu}\p{Lt}]$/u;
const UNDECOMPOSED_LETTERS: Record<string, string> = {
  ø: 'o',
  Ø: 'O',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ħ: 'h',
  Ħ: 'H',
  ı: 'i',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ß: 'ss',
  ẞ: 'SS',
  þ: 'th',
  Þ: 'TH',
  ð: 'd',
  Ð: 'D',
};
const NO_SYMBOLS: readonly number[] = [];

function codePoints(text: string): number[] {
  const result: number[] = [];
  for (const ch of text) result.push(ch.codePointAt(0) ?? 0);
  return result;
}

export class TextNormalizer {
  private readonly cache = new Map<number, readonly number[]>();
  private readonly capitals = new Map<number, boolean>();

  constructor(readonly profile: FoldProfile) {}

  /** Folded symbols for one code point; empty when the code point is dropped (markers, folded marks). */
  symbolsOf(codePoint: number): readonly number[] {
    const cached = this.cache.get(codePoint);
    if (cached !== undefined) return cached;
    const computed = this.compute(codePoint);
    this.cache.set(codePoint, computed);
    return computed;
  }

  /** Folded symbols of a whole alias or phrase: whitespace runs collapsed, leading/trailing space trimmed. */
  normalizePhrase(text: string): number[] {
    const result: number[] = [];
    for (const cp of codePoints(text)) {
      for (const symbol of this.symbolsOf(cp)) {
        if (symbol === SPACE && (result.length === 0 || result[result.length - 1] === SPACE)) continue;
        result.push(symbol);
      }
    }
    while (result.length > 0 && result[result.length - 1] === SPACE) result.pop();
    return result;
  }

  /** An upper- or title-case letter (what the `capitalised` case policy looks for). */
  isCapital(codePoint: number): boolean {
    if (codePoint < 0x80) return codePoint >= 0x41 && codePoint <= 0x5a;
    let capital = this.capitals.get(codePoint);
    if (capital === undefined) {
      capital = CAPITAL.test(String.fromCodePoint(codePoint));
      this.capitals.set(codePoint, capital);
    }
    return capital;
  }

  /** A combining mark this profile drops: the caller stretches the preceding symbol's raw span over it. */
  static isCombiningMark(codePoint: number): boolean {
    return codePoint >= 0x300 && NONSPACING_MARK.test(String.fromCodePoint(codePoint));
  }

  private compute(codePoint: number): readonly number[] {
    if (IGNORED.has(codePoint)) return NO_SYMBOLS;
    if (APOSTROPHES.has(codePoint)) return [0x27];
    if (QUOTES.has(codePoint)) return [0x22];
    if (DASHES.has(codePoint)) return [0x2d];
    const char = String.fromCodePoint(codePoint);
    if (WHITESPACE.test(char)) return [SPACE];
    let folded = char.normalize('NFKD');
    if (this.profile.caseFold) folded = folded.toUpperCase().toLowerCase().normalize('NFKD');
    if (this.profile.diacriticFold) {
      let stripped = '';
      for (const ch of folded) {
        if (NONSPACING_MARK.test(ch)) continue;
        stripped += UNDECOMPOSED_LETTERS[ch] ?? ch;
      }
      folded = this.profile.caseFold ? stripped.toLowerCase() : stripped;
    }
    // NFKD can itself produce whitespace (NBSP was handled above, but e.g. U+2100 "a/c" does not) or
    // markers; route those through the same rules so the result never contains a raw tab or asterisk.
    const result: number[] = [];
    for (const cp of codePoints(folded)) {
      if (cp === codePoint) {
        result.push(cp);
        continue;
      }
      for (const symbol of this.symbolsOf(cp)) result.push(symbol);
    }
    return result;
  }
}
