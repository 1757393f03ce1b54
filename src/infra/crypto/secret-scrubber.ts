/** What a secret is replaced with, everywhere (the logger's censor says the same). */
export const REDACTED = '[redacted]';

/** A known credential shorter than this is not replaced as a substring: it would mangle ordinary words. */
const MIN_SECRET_LENGTH = 6;

/** Field names whose value is a secret, in JSON (`"api_key": "..."`) or header form (`x-api-key: ...`). */
const SECRET_FIELD =
  '(?:api[_-]?key|apikey|x-api-key|x-goog-api-key|access[_-]?token|refresh[_-]?token|client[_-]?secret|secret|password|credential|authorization)';

/**
 * Bearer-like tokens by their vendors' shapes, and secrets by where they sit. Each pattern keeps its lead-in
 * (`$1`) and replaces only the secret, so the text still says what was there. No pattern can match inside
 * REDACTED, so scrubbing twice changes nothing.
 */
const PATTERNS: readonly [RegExp, string][] = [
  // `"api_key": "..."` (JSON, escaped quotes included) before the header form, which would stop at a space.
  [new RegExp(`("${SECRET_FIELD}"\\s*:\\s*")(?:[^"\\\\]|\\\\.)+(?=")`, 'gi'), `$1${REDACTED}`],
  // The same inside a JSON string (a log line's message quoting a body): `\"api_key\":\"...\"`.
  [new RegExp(`(\\\\"${SECRET_FIELD}\\\\"\\s*:\\s*\\\\")(?:(?!\\\\").)+(?=\\\\")`, 'gi'), `$1${REDACTED}`],
  // `x-api-key: ...`, `api key: ...`, `apiKey=...` in prose or headers.
  [
    new RegExp(
      `(\\b(?:api[ _-]?key|apikey|x-api-key|x-goog-api-key)\\s*[:=]\\s*)(?!\\[redacted\\])[^\\s"',;&}<>]+`,
      'gi',
    ),
    `$1${REDACTED}`,
  ],
  // Query parameters: `?key=...` (Gemini), `&api_key=...`, `access_token=...`.
  [
    /([?&;](?:key|api[_-]?key|apikey|access[_-]?token|token|auth|signature|sig|secret|password)=)(?!\[redacted\])[^&#\s"'\\<>]+/gi,
    `$1${REDACTED}`,
  ],
  // `Authorization: Bearer ...` and friends, wherever the scheme word appears.
  [/\b(Bearer|Basic|Token)(\s+)(?!\[redacted\])[A-Za-z0-9._~+/=-]{6,}/gi, `$1$2${REDACTED}`],
  // OpenAI (`sk-`, `sk-proj-`), Anthropic (`sk-ant-`), OpenRouter (`sk-or-`), and their masked echoes (`sk-...****abcd`).
  [/\bsk-[A-Za-z0-9_*-]{8,}/g, REDACTED],
  // Google API keys (Gemini).
  [/\bAIza[0-9A-Za-z_-]{20,}/g, REDACTED],
  // Perplexity, xAI, Groq, Hugging Face, Replicate, GitHub, and streamrank's own API keys (`sr_<id>_<secret>`).
  [/\b(?:pplx-|xai-|gsk_|hf_|r8_|ghp_|gho_|github_pat_|sr_)[A-Za-z0-9_*-]{12,}/g, REDACTED],
];

/**
 * Removes credentials from text that is about to be stored, published or logged: the known credential(s) of
 * the engine (exactly, also in their JSON- and URL-escaped forms), then anything shaped like a key or
 * token. Pure, and idempotent. Provider error messages pass through it where they are created
 * (src/llm/scrubbed-errors-provider.ts); the ledger, live events, webhooks and the logger apply it again.
 */
export class SecretScrubber {
  private readonly literals: string[];

  constructor(knownSecrets: Iterable<string | null | undefined> = []) {
    const forms = new Set<string>();
    for (const secret of knownSecrets) {
      if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
      forms.add(secret);
      forms.add(JSON.stringify(secret).slice(1, -1));
      forms.add(encodeURIComponent(secret));
    }
    // Longest first, so a secret that contains another is replaced whole.
    this.literals = [...forms].sort((a, b) => b.length - a.length);
  }

  scrub(text: string): string {
    let out = text;
    for (const literal of this.literals) if (out.includes(literal)) out = out.split(literal).join(REDACTED);
    for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
    return out;
  }

  /** Every string in a JSON-like value (object keys are left alone); other values are returned as they are. */
  scrubDeep<T>(value: T): T {
    return this.deep(value, 0) as T;
  }

  private deep(value: unknown, depth: number): unknown {
    if (typeof value === 'string') return this.scrub(value);
    if (depth > 32 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((v) => this.deep(v, depth + 1));
    if (Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
      return value; // Dates, Buffers, Decimals: no free text inside
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = this.deep(v, depth + 1);
    return out;
  }
}

/** Patterns only: for boundaries that do not know which credential could be in the text. */
export const PATTERN_SCRUBBER = new SecretScrubber();

/** One-off form; `knownSecrets` omitted: patterns only. */
export function scrubSecrets(text: string, knownSecrets?: Iterable<string | null | undefined>): string {
  return (knownSecrets === undefined ? PATTERN_SCRUBBER : new SecretScrubber(knownSecrets)).scrub(text);
}
