/**
 * Token timeline of an answer under one fixed tokenizer (o200k_base), whatever the engine: token positions
 * must be comparable across engines, and the provider's own token boundaries are not exposed by every API.
 *
 * Token ends are computed from byte lengths: the BPE rank table says how many UTF-8 bytes each token covers,
 * and one walk over the text turns byte offsets into UTF-16 offsets. A token that ends inside a multi-byte
 * character (o200k splits some emoji and CJK characters) has its end rounded up to the end of that character,
 * so several tokens can share one end offset.
 *
 * The import paths go through `gpt-tokenizer/cjs/...` because the project resolves modules the `node10` way,
 * which ignores package `exports`; at runtime the package maps `./cjs/*` to the same files.
 */
import bytePairRanks from 'gpt-tokenizer/cjs/bpeRanks/o200k_base';
import { encode } from 'gpt-tokenizer/cjs/encoding/o200k_base';

export interface TokenTimeline {
  /** tokenEnds[i]: UTF-16 offset where token i ends (exclusive). */
  tokenEnds: number[];
  /** Arrival (µs since the request was sent) of the chunk holding token i's last character. */
  tokenArrivalsUs: number[];
}

/** Special-token text ("<|endoftext|>") inside an answer is ordinary text, never a control token. */
const AS_PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const byteLengthCache = new Map<number, number>();

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (
      unit >= 0xd800 &&
      unit <= 0xdbff &&
      i + 1 < text.length &&
      isLowSurrogate(text.charCodeAt(i + 1))
    ) {
      bytes += 4;
      i++;
    } else bytes += 3; // BMP, or a lone surrogate which the encoder turns into U+FFFD (3 bytes)
  }
  return bytes;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

function tokenByteLength(token: number): number {
  const cached = byteLengthCache.get(token);
  if (cached !== undefined) return cached;
  const entry = bytePairRanks[token];
  if (entry === undefined) throw new Error(`o200k_base has no token ${token}`);
  const length = typeof entry === 'string' ? utf8Length(entry) : entry.length;
  byteLengthCache.set(token, length);
  return length;
}

export function tokenizeTimeline(
  text: string,
  chunkEnds: number[],
  chunkArrivalsUs: number[],
): TokenTimeline {
  if (chunkEnds.length !== chunkArrivalsUs.length) {
    throw new RangeError('chunkEnds and chunkArrivalsUs must have the same length');
  }
  const tokens = encode(text, AS_PLAIN_TEXT);
  const tokenEnds = new Array<number>(tokens.length);
  const tokenArrivalsUs = new Array<number>(tokens.length);
  let byteEnd = 0;
  let bytePosition = 0;
  let unitPosition = 0;
  let chunk = 0;
  for (let i = 0; i < tokens.length; i++) {
    byteEnd += tokenByteLength(tokens[i] as number);
    // Consume whole characters until the token's bytes are covered: this is the rounding up.
    while (bytePosition < byteEnd && unitPosition < text.length) {
      const unit = text.charCodeAt(unitPosition);
      if (unit < 0x80) {
        bytePosition += 1;
        unitPosition += 1;
      } else if (unit < 0x800) {
        bytePosition += 2;
        unitPosition += 1;
      } else if (unit >= 0xd800 && unit <= 0xdbff && isLowSurrogate(text.charCodeAt(unitPosition + 1))) {
        bytePosition += 4;
        unitPosition += 2;
      } else {
        bytePosition += 3;
        unitPosition += 1;
      }
    }
    tokenEnds[i] = unitPosition;
    while (chunk < chunkEnds.length && (chunkEnds[chunk] as number) < unitPosition) chunk++;
    const arrival = chunkArrivalsUs[chunk];
    if (arrival === undefined) {
      throw new RangeError(
        `chunks end at ${chunkEnds[chunkEnds.length - 1] ?? 0} but the text is ${text.length} long`,
      );
    }
    tokenArrivalsUs[i] = arrival;
  }
  return { tokenEnds, tokenArrivalsUs };
}

/**
 * Index of the token holding UTF-16 offset `charOffset` (the first token whose end is after it). Offsets at
 * or past the end map to the last token; -1 only when there are no tokens.
 */
export function tokenIndexAt(tokenEnds: readonly number[], charOffset: number): number {
  let low = 0;
  let high = tokenEnds.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((tokenEnds[mid] as number) > charOffset) high = mid;
    else low = mid + 1;
  }
  return Math.min(low, tokenEnds.length - 1);
}
