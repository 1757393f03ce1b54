/**
 * Gemini grounding segments give `startIndex`/`endIndex` as UTF-8 **byte** offsets (docs/wire-formats.md,
 * Gemini), while everything in streamrank (CitationPart, detection spans) indexes the answer as a JS string,
 * i.e. in UTF-16 code units. "Try Acme Café" is 14 bytes but 13 code units; an emoji is 4 bytes but 2 code
 * units.
 */

/**
 * Maps UTF-8 byte offsets into `text` to UTF-16 offsets in one pass over the text.
 *
 * - An offset that falls inside a multi-byte character is rounded *up* to the end of that character, so a
 *   span never cuts a character in half (and `start <= end` is preserved).
 * - An offset past the end of the text is clamped to `text.length`; a negative or non-finite one maps to 0.
 *
 * Returns the converted offsets in the order given.
 */
export function utf8ToUtf16Offsets(text: string, byteOffsets: readonly number[]): number[] {
  const order = byteOffsets
    .map((offset, index) => ({ offset: Number.isFinite(offset) ? Math.max(0, offset) : 0, index }))
    .sort((a, b) => a.offset - b.offset);
  const result = new Array<number>(byteOffsets.length).fill(text.length);
  let next = 0;
  let bytes = 0;
  let i = 0;
  while (next < order.length) {
    const target = order[next];
    if (target === undefined) break;
    if (bytes >= target.offset) {
      result[target.index] = i;
      next++;
      continue;
    }
    if (i >= text.length) break; // the remaining offsets are past the end: they keep text.length
    const code = text.charCodeAt(i);
    if (code < 0x80) {
      bytes += 1;
      i += 1;
    } else if (code < 0x800) {
      bytes += 2;
      i += 1;
    } else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      // A surrogate pair is one code point: 4 bytes, 2 code units.
      bytes += 4;
      i += 2;
    } else {
      // BMP characters from U+0800, and lone surrogates (which TextEncoder writes as U+FFFD, 3 bytes).
      bytes += 3;
      i += 1;
    }
  }
  return result;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
