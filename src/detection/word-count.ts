/**
 * Counting words the way `Intl.Segmenter` (word granularity) does, without paying for it on plain text.
 *
 * Scoring counts the words of every sentence of every answer. Iterating `Intl.Segmenter` allocates an object
 * per segment, about 2.5 ms for 2,000 characters here: the largest single cost of analysing an answer. Most
 * answers are plain ASCII, where the Unicode word-boundary rules (UAX #29) that decide "word-like" come down
 * to a few: letters and digits run together; a single `.` or `'` (or `:` between letters) joins two letters,
 * `.`, `'`, `,` or `;` joins two digits; everything else separates. `_` (which joins anything) and all
 * non-ASCII text go to the segmenter. `word-count.spec.ts` checks the scan against the runtime's segmenter.
 */

const segmenter = new Intl.Segmenter(undefined, { granularity: 'word' });

/** Printable ASCII, tab, CR and LF, except `_`. */
const SCANNABLE = /^[\t\n\r\x20-\x5e\x60-\x7e]*$/;

const isLetter = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlnum = (c: number): boolean => isLetter(c) || isDigit(c);

/** Word-like segments in `text`, exactly as `Intl.Segmenter(undefined, { granularity: 'word' })` counts them. */
export function countWords(text: string): number {
  return SCANNABLE.test(text) ? scanWords(text) : segmentWords(text);
}

/** The reference: word-like segments from Intl.Segmenter. */
export function segmentWords(text: string): number {
  let words = 0;
  for (const segment of segmenter.segment(text)) if (segment.isWordLike === true) words++;
  return words;
}

function scanWords(text: string): number {
  const end = text.length;
  let words = 0;
  let i = 0;
  while (i < end) {
    if (!isAlnum(text.charCodeAt(i))) {
      i++;
      continue;
    }
    words++;
    // One word: runs of letters and digits, joined by a single joiner between the right kinds of character.
    for (;;) {
      while (i < end && isAlnum(text.charCodeAt(i))) i++;
      if (i + 1 >= end) break;
      const before = text.charCodeAt(i - 1);
      const after = text.charCodeAt(i + 1);
      if (!joins(text.charCodeAt(i), before, after)) break;
      i += 2;
    }
  }
  return words;
}

/** Whether the single character `joiner` between `before` and `after` keeps them in one word. */
function joins(joiner: number, before: number, after: number): boolean {
  const letters = isLetter(before) && isLetter(after);
  const digits = isDigit(before) && isDigit(after);
  switch (joiner) {
    case 0x2e: // .  MidNumLet
    case 0x27: // '  Single_Quote (MidNumLetQ)
      return letters || digits;
    case 0x3a: // :  MidLetter
      return letters;
    case 0x2c: // ,  MidNum
    case 0x3b: // ;  MidNum
      return digits;
    default:
      return false;
  }
}
