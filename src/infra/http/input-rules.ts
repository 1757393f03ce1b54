/**
 * The one rule every request value passes before any controller sees it (docs/api.md, "Input rules"):
 * strings are well-formed Unicode text without NUL, other control characters (tab, line feed and carriage
 * return excepted) or bidirectional formatting controls, and numbers are finite and exactly representable.
 * Object keys are strings too. Pure: no Nest, no Express.
 */

export interface InputIssue {
  /** `body.aliases.2`, `query.tags`, `params.id`: the same form zod validation errors use. */
  path: string;
  message: string;
}

/** At most this many issues are reported per request: enough to fix it, bounded for a hostile body. */
const MAX_ISSUES = 20;

// Lone surrogates: with the `u` flag a well-formed pair is one code point and never matches.
const LONE_SURROGATE = /\p{Cs}/u;
// C0 controls but tab, LF and CR; DEL; C1 controls (U+0080-U+009F, CSI among them). NUL is reported apart.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
// Embeddings, overrides and isolates (LRE..RLO, LRI..PDI): they reorder how text displays, so a name can
// render as another ("Trojan Source"). The marks U+200E/U+200F/U+061C do not reorder and stay allowed.
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

const hex = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Why a string breaks the rule, or null. */
export function stringProblem(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  const lone = LONE_SURROGATE.exec(s);
  if (lone) return `must be valid Unicode: lone surrogate ${hex(lone[0])}`;
  const control = CONTROL.exec(s);
  if (control) return `must not contain the control character ${hex(control[0])}`;
  const bidi = BIDI_CONTROL.exec(s);
  if (bidi) return `must not contain the bidirectional formatting control ${hex(bidi[0])}`;
  return null;
}

/** Why a number breaks the rule, or null. JSON `1e400` parses to Infinity; 2^53 + 1 to 2^53. */
export function numberProblem(n: number): string | null {
  if (!Number.isFinite(n)) return 'must be a finite number';
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER) {
    return `must be between -${Number.MAX_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}`;
  }
  return null;
}

/**
 * Every string (values and keys) and number in `value`, depth first, with no recursion: a body nested
 * thousands deep must not overflow the stack. `extra` can add a check on strings (invalid UTF-8 markers).
 */
export function inputIssues(
  value: unknown,
  root: string,
  extra?: (s: string) => string | null,
): InputIssue[] {
  const issues: InputIssue[] = [];
  const stack: [unknown, string][] = [[value, root]];
  while (stack.length > 0 && issues.length < MAX_ISSUES) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      const problem = stringProblem(v) ?? extra?.(v) ?? null;
      if (problem !== null) issues.push({ path: bounded(path), message: problem });
    } else if (typeof v === 'number') {
      const problem = numberProblem(v);
      if (problem !== null) issues.push({ path: bounded(path), message: problem });
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}.${i}`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        const keyProblem = stringProblem(key) ?? extra?.(key) ?? null;
        if (keyProblem !== null) {
          issues.push({ path: bounded(`${path}.${printable(key)}`), message: `key ${keyProblem}` });
        } else stack.push([child, `${path}.${printable(key)}`]);
      }
    }
  }
  return issues;
}

/**
 * The raw query string's percent-encoding must decode to UTF-8: Express's query parser silently turns
 * `%FF` into U+FFFD, so a filter would match something other than what was sent.
 */
export function queryEncodingIssues(rawQuery: string): InputIssue[] {
  const issues: InputIssue[] = [];
  for (const pair of rawQuery.split('&')) {
    if (pair === '' || issues.length >= MAX_ISSUES) continue;
    const eq = pair.indexOf('=');
    const rawKey = eq === -1 ? pair : pair.slice(0, eq);
    const key = decode(rawKey);
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1));
    if (key === null) {
      issues.push({
        path: `query.${printable(rawKey)}`,
        message: 'key must be valid UTF-8 percent-encoding',
      });
    } else if (value === null) {
      issues.push({ path: `query.${printable(key)}`, message: 'must be valid UTF-8 percent-encoding' });
    }
  }
  return issues;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return null;
  }
}

/** A path nested thousands deep is named by its start and end, not echoed whole. */
function bounded(path: string): string {
  return path.length > 300 ? `${path.slice(0, 150)}…${path.slice(-150)}` : path;
}

/** A path segment safe to echo in an error message: offending characters shown as U+XXXX, bounded. */
function printable(key: string): string {
  const safe = key.replace(
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]|\p{Cs}/gu,
    (c) => `<${hex(c)}>`,
  );
  return safe.length > 100 ? `${safe.slice(0, 100)}…` : safe;
}
