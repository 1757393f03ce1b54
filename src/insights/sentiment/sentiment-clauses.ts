/**
 * Splits one sentence or list item into word tokens and clauses, marks which tokens are the brand in question
 * (the target) and which look like other names (rivals), and decides which entity each clause speaks about.
 *
 * Decisions:
 * - Clauses end at , ; : ( ) | — – ! ? . and a spaced hyphen, and start again before a pivot ("but",
 *   "however"), a concessive ("although", "while") and "which" / "whose". Not at "and": "wins over Firebase for
 *   anyone who wants SQL and to avoid lock-in" is one thought.
 * - A name is a word with a capital letter that is not a clause's first word when that word is ordinary
 *   English (in the lexicon or a common opener: "Best free CRM", "Plush, lightweight"), and not a common
 *   acronym (CRM, API, GPS). Adjacent capitalised words and numbers join the target ("Brooks Ghost 15").
 * - An item that opens with the name alone ("**Wise** – lowest fees", "| Vercel | ...") is about it throughout.
 * - Otherwise a clause is about the entity named in its first three words; else the target if it holds it; else a rival
 *   it names; a "which" clause is about the last entity before it; a clause naming none is about the entity
 *   of the clause before (or, at the start, of the first clause that names one).
 */
import { COMMON_CAPITALISED, CONCESSIVES, LEXICON, PIVOTS } from './sentiment-lexicon';

export interface Token {
  /** Lower-case word, apostrophes straightened. */
  word: string;
  start: number;
  end: number;
  capitalised: boolean;
  /** 0 outside names; 1 the target; 2 a rival. */
  entity: 0 | 1 | 2;
}

export type ClauseRole = 'plain' | 'pivot' | 'concessive' | 'relative';

export interface Clause {
  /** Token index range [from, to). */
  from: number;
  to: number;
  role: ClauseRole;
  /** Index of the entity token the clause is about (the first token of that name), or -1 for none. */
  about: number;
}

const WORD = /[\p{L}\p{N}](?:[\p{L}\p{N}'.&+-]*[\p{L}\p{N}+])?|[,;:()|!?.—–✅❌]| - /gu;
const CLAUSE_BREAK = new Set([',', ';', ':', '(', ')', '|', '—', '–', '!', '?', '.', ' - ']);
const ACRONYMS = new Set([
  'crm',
  'seo',
  'api',
  'apis',
  'ui',
  'ux',
  'sdk',
  'gps',
  'apm',
  'dns',
  'cdn',
  'vpn',
  'vpns',
  'sql',
  'gdpr',
  'us',
  'uk',
  'eu',
  'ai',
  'ci',
  'pc',
  'os',
  'html',
  'css',
  'gb',
  'mb',
  'usd',
  'pdf',
  'sso',
  'yaml',
  'amoled',
  'sms',
  'ok',
  'pro',
  'mac',
  'macos',
  'windows',
  'linux',
  'ios',
  'android',
  'english',
  'markdown',
]);
const EMOJI: Record<string, string> = { '✅': 'yes-mark', '❌': 'no-mark' };

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.matchAll(WORD)) {
    const raw = match[0];
    const start = match.index;
    tokens.push({
      word: EMOJI[raw] ?? raw.replace(/’/g, "'").toLowerCase(),
      start,
      end: start + raw.length,
      capitalised: /\p{Lu}/u.test(raw),
      entity: 0,
    });
  }
  return tokens;
}

export const isBreak = (token: Token): boolean => CLAUSE_BREAK.has(token.word);

/** Marks the target (tokens overlapping [charStart, charEnd), grown over adjacent names) and rivals. */
export function markEntities(
  tokens: Token[],
  charStart: number,
  charEnd: number,
  sameBrand: readonly { charStart: number; charEnd: number }[] = [],
): void {
  const clauseFirst = new Set<number>();
  tokens.forEach((token, i) => {
    if (i === 0 || isBreak(tokens[i - 1] as Token) || opensClause(token.word, tokens[i + 1]?.word)) {
      clauseFirst.add(i);
    }
  });
  const looksLikeName = (token: Token, i: number): boolean => {
    if (!token.capitalised || isBreak(token) || token.word === 'yes-mark' || token.word === 'no-mark') {
      return false;
    }
    const base = token.word.replace(/'(?:s|d|ll|m|ve|re)$/, '');
    if (ACRONYMS.has(base) || COMMON_CAPITALISED.has(base)) return false;
    return !(clauseFirst.has(i) && LEXICON.has(base));
  };
  for (const span of [{ charStart, charEnd }, ...sameBrand]) {
    for (const token of tokens) {
      if (token.end > span.charStart && token.start < span.charEnd) token.entity = 1;
    }
  }
  const targetTokens = tokens.map((token, i) => (token.entity === 1 ? i : -1)).filter((i) => i >= 0);
  if (targetTokens.length > 0) {
    const extendable = (token: Token | undefined, i: number): boolean =>
      token !== undefined && token.entity === 0 && (looksLikeName(token, i) || /^\d+$/.test(token.word));
    for (let i = (targetTokens.at(-1) as number) + 1; extendable(tokens[i], i); i++) {
      (tokens[i] as Token).entity = 1;
    }
    // Leftwards over names only: "Microsoft Teams", "the De'Longhi Dedica"; not "1. Wise".
    for (
      let i = (targetTokens[0] as number) - 1;
      extendable(tokens[i], i) && !/^\d+$/.test(tokens[i]!.word);
      i--
    ) {
      (tokens[i] as Token).entity = 1;
    }
  }
  tokens.forEach((token, i) => {
    if (token.entity === 0 && looksLikeName(token, i)) token.entity = 2;
  });
}

/** Words that open a new clause mid-sentence ("still" and "even" only in "even though / even so"). */
function opensClause(word: string, next?: string): boolean {
  if (word === 'still') return false;
  if (word === 'even') return next === 'though' || next === 'if' || next === 'so';
  return PIVOTS.has(word) || CONCESSIVES.has(word) || word === 'which' || word === 'whose';
}

function roleOf(word: string | undefined, next?: string): ClauseRole {
  if (word === undefined) return 'plain';
  if (word === 'even') {
    return next === 'so' ? 'pivot' : next === 'though' || next === 'if' ? 'concessive' : 'plain';
  }
  if (PIVOTS.has(word)) return 'pivot';
  if (CONCESSIVES.has(word)) return 'concessive';
  if (word === 'which' || word === 'whose') return 'relative';
  return 'plain';
}

export function splitClauses(tokens: Token[]): Clause[] {
  const clauses: Clause[] = [];
  let from = 0;
  const close = (to: number): void => {
    if (to > from) clauses.push({ from, to, role: 'plain', about: -1 });
    from = to;
  };
  tokens.forEach((token, i) => {
    if (isBreak(token)) {
      close(i);
      from = i + 1;
    } else if (i > from && opensClause(token.word, tokens[i + 1]?.word)) {
      close(i);
    }
  });
  close(tokens.length);
  for (const clause of clauses) {
    const first = tokens[clause.from]?.word;
    // "and however", "but although": the role is the first opener among the clause's first two words.
    const second = tokens[clause.from + 1]?.word;
    const third = tokens[clause.from + 2]?.word;
    clause.role =
      roleOf(first, second) !== 'plain'
        ? roleOf(first, second)
        : first === 'and'
          ? roleOf(second, third)
          : 'plain';
  }
  // "...; however, its support..." : a clause that is only the opener hands its role to the next one.
  for (let k = clauses.length - 2; k >= 0; k--) {
    const clause = clauses[k] as Clause;
    if (clause.to - clause.from === 1 && clause.role !== 'plain') {
      (clauses[k + 1] as Clause).role = clause.role;
      clauses.splice(k, 1);
    }
  }
  assignTopics(tokens, clauses);
  return clauses;
}

function entityStart(tokens: Token[], i: number): number {
  let start = i;
  while (start > 0 && tokens[start - 1]!.entity === tokens[i]!.entity && !isBreak(tokens[start - 1]!)) {
    start--;
  }
  return start;
}

const PRONOUNS = new Set(['it', "it's", 'its', 'they', "they're", 'their', 'this', 'that']);

function startsWithPronoun(tokens: Token[], clause: Clause): boolean {
  for (let i = clause.from; i < Math.min(clause.to, clause.from + 3); i++) {
    if (PRONOUNS.has(tokens[i]!.word)) return true;
  }
  return false;
}

function assignTopics(tokens: Token[], clauses: Clause[]): void {
  const firstEntity = (clause: Clause, limit: number): number => {
    let words = 0;
    for (let i = clause.from; i < clause.to && words < limit; i++) {
      if (tokens[i]!.entity !== 0) return entityStart(tokens, i);
      if (!opensClause(tokens[i]!.word) && tokens[i]!.word !== 'and') words++;
    }
    return -1;
  };
  const lastEntity = (clause: Clause): number => {
    for (let i = clause.to - 1; i >= clause.from; i--) {
      if (tokens[i]!.entity !== 0) return entityStart(tokens, i);
    }
    return -1;
  };
  const holdsTarget = (clause: Clause): number => {
    for (let i = clause.from; i < clause.to; i++) if (tokens[i]!.entity === 1) return entityStart(tokens, i);
    return -1;
  };
  clauses.forEach((clause, index) => {
    const previous = clauses[index - 1];
    let about = firstEntity(clause, 3);
    if (about < 0) about = holdsTarget(clause);
    // "but it struggles with Google apps": a clause opening on a pronoun continues the previous one's topic.
    if (about < 0 && previous && startsWithPronoun(tokens, clause) && clause.role !== 'relative') {
      about = previous.about;
    }
    if (about < 0) about = firstEntity(clause, Infinity);
    if (about < 0 && clause.role === 'relative' && previous) about = lastEntity(previous);
    if (about < 0 && previous) about = previous.about;
    clause.about = about;
  });
  // Leading clauses naming nothing ("If budget matters, go with X") are about the first entity named later.
  // A list item or table row that opens with the name alone ("**Wise** – lowest fees", "| Vercel | ...") is
  // about that name throughout, whatever other names its description holds.
  const opening = clauses.find((clause) =>
    tokens.slice(clause.from, clause.to).some((t) => !/^\d+$/.test(t.word)),
  );
  if (
    opening &&
    tokens.slice(opening.from, opening.to).every((t) => t.entity === 1 || /^\d+$/.test(t.word))
  ) {
    for (const clause of clauses.slice(clauses.indexOf(opening))) clause.about = opening.from;
  }
  const firstKnown = clauses.find((clause) => clause.about >= 0)?.about ?? -1;
  for (const clause of clauses) {
    if (clause.about >= 0) break;
    clause.about = firstKnown;
  }
}
