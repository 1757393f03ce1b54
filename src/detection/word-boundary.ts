/**
 * Unicode-aware word boundaries between two folded symbols. Letters, digits and combining marks of any script
 * are word characters, so "Acme" does not match inside "Acmeé", "Acme2" or "Мегаacme".
 *
 * Scripts written without spaces (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar) are the exception: a
 * brand in running Chinese or Japanese text is always glued to its neighbours ("我用小米手机", "Sonyの"), so a
 * boundary is never required where either side belongs to one of them. Without this rule no CJK brand could
 * ever be found.
 */
const WORD = /^[\p{L}\p{N}\p{M}]$/u;
const SCRIPTIO_CONTINUA =
  /^[\p{sc=Han}\p{sc=Hiragana}\p{sc=Katakana}\p{sc=Thai}\p{sc=Lao}\p{sc=Khmer}\p{sc=Myanmar}\u30fc]$/u;

const WORD_CLASS = 1;
const CONTINUA_CLASS = 2;

export class WordBoundary {
  private static readonly classes = new Map<number, number>();

  /** True when a match edge between these two symbols would cut through a word. */
  static cutsWord(left: number | undefined, right: number | undefined): boolean {
    if (left === undefined || right === undefined) return false;
    return WordBoundary.classOf(left) === WORD_CLASS && WordBoundary.classOf(right) === WORD_CLASS;
  }

  private static classOf(symbol: number): number {
    if (symbol < 0x80) {
      const isAlnum =
        (symbol >= 0x30 && symbol <= 0x39) ||
        (symbol >= 0x41 && symbol <= 0x5a) ||
        (symbol >= 0x61 && symbol <= 0x7a);
      return isAlnum ? WORD_CLASS : 0;
    }
    const cached = WordBoundary.classes.get(symbol);
    if (cached !== undefined) return cached;
    const char = String.fromCodePoint(symbol);
    const cls = SCRIPTIO_CONTINUA.test(char) ? CONTINUA_CLASS : WORD.test(char) ? WORD_CLASS : 0;
    WordBoundary.classes.set(symbol, cls);
    return cls;
  }
}
