// Classes of bad input the API must refuse with a 400 naming the field (docs/api.md, "Input rules"), and
// unusual but valid text it must store exactly as sent. Shared by the route fuzz test and the bad-input
// sweep, so the fuzz generators produce every class the sweep checks.

export interface BadString {
  name: string;
  /** The decoded string, sent JSON-encoded (lone surrogates as `\ud800` escapes). */
  value: string;
}

export interface BadBytes {
  name: string;
  /** Raw bytes spliced into the JSON text of a string value: not valid UTF-8. */
  bytes: Buffer;
}

export const BAD_STRING_CLASSES: (BadString | BadBytes)[] = [
  { name: 'NUL', value: 'p Ac\u0000me' },
  { name: 'lone high surrogate', value: 'x\ud800' },
  { name: 'lone low surrogate', value: '\udc00y' },
  { name: 'C0 control (BEL)', value: 'a\u0007b' },
  { name: 'escape sequence', value: '\u001b[31mred' },
  { name: 'DEL', value: 'a\u007fb' },
  { name: 'C1 control (CSI)', value: 'a\u009bb' },
  { name: 'bidi override (RLO)', value: 'evil\u202egnp' },
  { name: 'bidi isolate (LRI)', value: 'x\u2066y' },
  { name: 'invalid UTF-8 (0xFF)', bytes: Buffer.from([0x61, 0xff, 0x62]) },
  { name: 'invalid UTF-8 (truncated sequence)', bytes: Buffer.from([0x61, 0xc3]) },
  { name: 'invalid UTF-8 (encoded surrogate)', bytes: Buffer.from([0xed, 0xa0, 0x80]) },
  { name: 'invalid UTF-8 (overlong /)', bytes: Buffer.from([0xc0, 0xaf]) },
];

export interface BadQueryValue {
  name: string;
  /** Already percent-encoded, as it goes on the wire. */
  encoded: string;
  /** Whatever the parameter, this value must be refused (the string classes); odd numbers and dates may
   * be valid for some parameters, so for them only "never a 5xx" holds. */
  mustFail: boolean;
}

export const BAD_QUERY_CLASSES: BadQueryValue[] = [
  { name: 'NUL', encoded: '%00', mustFail: true },
  { name: 'NUL inside', encoded: 'a%00b', mustFail: true },
  { name: 'invalid UTF-8', encoded: '%FF', mustFail: true },
  { name: 'encoded surrogate', encoded: '%ED%A0%80', mustFail: true },
  { name: 'malformed escape', encoded: '%E0%A4%A', mustFail: true },
  { name: 'control character', encoded: 'a%07b', mustFail: true },
  { name: 'bidi override', encoded: 'a%E2%80%AEb', mustFail: true },
  { name: 'very long', encoded: 'x'.repeat(5000), mustFail: false },
  { name: 'NaN', encoded: 'NaN', mustFail: false },
  { name: 'Infinity', encoded: 'Infinity', mustFail: false },
  { name: '1e400', encoded: '1e400', mustFail: false },
  { name: '-0', encoded: '-0', mustFail: false },
  { name: 'huge integer', encoded: '99999999999999999999', mustFail: false },
  { name: 'year 0', encoded: '0000-01-01T00:00:00Z', mustFail: false },
  { name: 'year 275760', encoded: '275760-09-13T00:00:00Z', mustFail: false },
  { name: 'negative year', encoded: '-000001-01-01T00:00:00Z', mustFail: false },
];

/** Report date parameters: out of range must be a 400 (it was a 500). */
export const OUT_OF_RANGE_DATES = [
  '0000-01-01T00:00:00Z',
  '1999-12-31T23:59:59Z',
  '2100-01-01T00:00:00Z',
  '275760-09-13T00:00:00Z',
];

/** Valid text, at most 60 characters (it fits every free-text field), with no edge whitespace (trimmed). */
export const VALID_TEXT_CLASSES: BadString[] = [
  { name: 'emoji and astral', value: 'Acme 😀 𝔄𝔠𝔪𝔢 🇫🇷' },
  { name: 'combining marks (not normalized)', value: 'Cafe\u0301 vs Café' },
  { name: 'right-to-left with marks', value: 'שלום \u200fעולם\u200e ok' },
  { name: 'CJK', value: '中文 日本語 한국어' },
  { name: 'replacement character sent as such', value: 'r\ufffdp' },
  { name: 'tab and newline inside', value: 'a\tb\nc' },
  { name: 'quotes, backslashes, SQL', value: `O'Brien "q" \\ '; DROP TABLE x; --` },
  { name: 'zero-width joiner sequence', value: 'family 👨\u200d👩\u200d👧' },
  { name: 'non-characters', value: 'a\ufdd0b\uffffc' },
];
