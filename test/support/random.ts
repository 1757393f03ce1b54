// Deterministic pseudo-random numbers for property tests and seeded fixtures, so a failure reproduces, and
// the fast-check generators of the input classes the API must refuse.
import fc from 'fast-check';
import { BAD_QUERY_CLASSES, BAD_STRING_CLASSES, VALID_TEXT_CLASSES } from './bad-input';

/** mulberry32: numbers in [0, 1) from a 32-bit seed. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- fast-check generators of the input classes the API refuses (docs/api.md, "Input rules") ----

/** One character the input rules refuse: NUL, a lone surrogate, a C0/DEL/C1 control, a bidi control. */
export const refusedCharArb: fc.Arbitrary<string> = fc.oneof(
  fc.constant('\u0000'),
  fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
  fc
    .constantFrom(...[...Array(32).keys(), 0x7f, ...Array.from({ length: 32 }, (_, i) => 0x80 + i)])
    .filter((c) => c !== 0 && c !== 9 && c !== 10 && c !== 13)
    .map((c) => String.fromCharCode(c)),
  fc.constantFrom('\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069'),
);

/** A string holding one refused character somewhere, plus the fixed cases of the outside probe. */
export const refusedStringArb: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(fc.string({ maxLength: 10 }), refusedCharArb, fc.string({ maxLength: 10 }))
    .map(([a, c, b]) => `${a}${c}${b}`),
  fc.constantFrom(...BAD_STRING_CLASSES.flatMap((c) => ('value' in c ? [c.value] : []))),
);

/** Unusual but valid text: must be accepted (where the field allows it) and stored as sent. */
export const unusualTextArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...VALID_TEXT_CLASSES.map((c) => c.value)),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

/** Numbers JSON can carry that are not finite or not exact once parsed; spliced in as raw JSON text. */
export const oddNumberTextArb: fc.Arbitrary<string> = fc.constantFrom(
  '1e400',
  '-1e400',
  '-0',
  '9007199254740993',
  '-9223372036854775808',
  '1e308',
  '5e-324',
  '123456789012345678901234567890',
);

/** Query values sent exactly as written (already percent-encoded): NUL, bytes that are not UTF-8. */
export const refusedQueryEncodingArb: fc.Arbitrary<string> = fc.constantFrom(
  ...BAD_QUERY_CLASSES.filter((c) => c.mustFail).map((c) => c.encoded),
);
