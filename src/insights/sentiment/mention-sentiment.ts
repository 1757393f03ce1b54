/**
 * Sentiment of one brand mention from the sentence or list item around it: positive, neutral or negative,
 * with a score in [-1, 1]. Pure and deterministic (no model, no I/O); the rules are in docs/sentiment.md.
 *
 * Steps: tokenize and split into clauses (sentiment-clauses.ts); sum the valence of the words in the
 * clauses about the brand (AFINN-165 plus product-answer words and phrases, negation flips, "very" / "much"
 * intensify, "less" flips); weigh the clause after "but" / "however" double and a conceded "although" clause
 * half; let comparisons decide who wins ("X beats Y", "X is cheaper than Y", "choose X over Y", "Y lags
 * behind X", "compared with Y, X...", "unlike Y, X..."); add the list's lead-in ("Cons:") when given.
 */
import { markEntities, splitClauses, tokenize, type Clause, type Token } from './sentiment-clauses';
import {
  COST_NOUNS,
  LEXICON,
  lexiconValue,
  NEGATIVE_CONTEXT,
  NEGATORS,
  PHRASES,
  POSITIVE_CONTEXT,
} from './sentiment-lexicon';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface MentionSentiment {
  label: SentimentLabel;
  /** tanh of the raw sum / 4, 3 decimals: the sign is the label's, the size how strongly the text leans. */
  score: number;
}

export interface SentimentInput {
  /** The sentence or list item holding the mention. */
  text: string;
  /** The mention's span in `text` (UTF-16 offsets, end exclusive). */
  charStart: number;
  charEnd: number;
  /** The line introducing the list the item belongs to ("Cons:"), when there is one. */
  listLeadIn?: string | null;
  /** Other spans in `text` naming the same brand ("**Acme** and GBX, with Acme a clear leader"). */
  sameBrand?: readonly { charStart: number; charEnd: number }[];
}

/** Raw sums at or beyond this are positive / negative (tuned on the dev half of the fixture). */
export const LABEL_THRESHOLD = 1;
const COMPARISON_WEIGHT = 3;
const CONTEXT_WEIGHT = 2.5;
const INTENSIFIERS = new Set([
  'very',
  'extremely',
  'far',
  'much',
  'noticeably',
  'significantly',
  'really',
  'genuinely',
  'incredibly',
  'super',
  'highly',
  'notoriously',
  'so',
  'too',
  'truly',
  'especially',
  'exceptionally',
  'surprisingly',
  'most',
]);
const LEFT_WINS = [
  'beats',
  'beat',
  'outperforms',
  'outperform',
  'edges out',
  'wins over',
  'win over',
  'overtaken',
  'overtakes',
  'replaced',
  'replaces',
  'caught up with',
  'outshines',
  'trumps',
  'switch from',
  'switched from',
];
const LEFT_LOSES = [
  'lags behind',
  'lag behind',
  'falls short of',
  'fall short of',
  'trails',
  'loses to',
  'losing ground to',
  'switch to',
  'switched to',
];
const CHOICE_VERBS = new Set(['choose', 'pick', 'prefer', 'go', 'use', 'recommend', 'take', 'opt', 'get']);
const ASIDE = ['compared with', 'compared to', 'unlike', 'alternative to', 'versus', 'vs', 'relative to'];

const phraseAt = (tokens: Token[], i: number, phrase: string): boolean => {
  const parts = phrase.split(' ');
  return parts.every((part, k) => tokens[i + k]?.word === part);
};

/** Valence of the non-name words in [from, to), with negation, intensifiers and "less". */
function valence(
  tokens: Token[],
  from: number,
  to: number,
  skip: (i: number) => boolean = () => false,
): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    if (tokens[i]!.entity !== 0 || skip(i)) continue;
    let value = 0;
    let width = 1;
    for (const [phrase, v] of PHRASES) {
      if (phraseAt(tokens, i, phrase) && phrase.split(' ').length > width - (value === 0 ? 1 : 0)) {
        value = v;
        width = phrase.split(' ').length;
      }
    }
    if (value === 0) value = lexiconValue(tokens[i]!.word);
    if (value === 0) continue;
    const before = tokens[i - 1]?.word;
    if (before !== undefined && INTENSIFIERS.has(before)) value *= 1.5;
    if (before === 'less' || before === 'least') value *= -0.75;
    else if (!PHRASES.some(([p]) => p.split(' ').some((w) => NEGATORS.has(w)) && phraseAt(tokens, i, p))) {
      for (let k = i - 1; k >= Math.max(from, i - 3); k--) {
        if (NEGATORS.has(tokens[k]!.word)) {
          value *= -0.75;
          break;
        }
      }
    }
    sum += value;
    // "hard to reach", "easy to set up": the verb after a cue ending in "to" is what is hard or easy.
    const last = tokens[i + width - 1]?.word;
    i += width - 1 + (width > 1 && last === 'to' ? 1 : 0);
  }
  return sum;
}

/** Sign of a comparative word before "than": "cheaper" +, "more expensive" -, "less flexible" -, "more" +. */
function comparativeSign(tokens: Token[], than: number, from: number): number {
  for (let k = than - 1; k >= Math.max(from, than - 4); k--) {
    const word = tokens[k]!.word;
    if (tokens[k]!.entity !== 0) break;
    const next = tokens[k + 1]?.word ?? '';
    const amount = COST_NOUNS.has(next) ? -1 : Math.sign(lexiconValue(next)) || 1;
    if (word === 'more') return amount;
    if (word === 'less' || word === 'fewer') return -amount;
    const v =
      LEXICON.get(word) ?? LEXICON.get(word.replace(/ier$/, 'y')) ?? LEXICON.get(word.replace(/e?r$/, ''));
    if (v !== undefined && /(?:er|ier)$/.test(word)) return Math.sign(v);
    if (v !== undefined && k === than - 1) return Math.sign(v);
  }
  for (let k = than - 1; k >= Math.max(from, than - 4); k--) if (/er$/.test(tokens[k]!.word)) return 1;
  return 0;
}

interface Comparison {
  /** +1 the target wins, -1 it loses. */
  side: number;
  weight: number;
}

/** A comparison within the clause holding the target, if any, from the target's side. */
function comparisonIn(tokens: Token[], clause: Clause, target: number[], about: boolean): Comparison | null {
  // A clause about the target that does not name it has it as its implied subject, on the left.
  const targetAt =
    target.find((i) => i >= clause.from && i < clause.to) ?? (about ? clause.from - 1 : undefined);
  if (targetAt === undefined) return null;
  const hasRival = (from: number, to: number): boolean => tokens.slice(from, to).some((t) => t.entity === 2);
  for (let i = clause.from; i < clause.to; i++) {
    // The other side must name a rival, except after a verb with the target as subject ("X beats most banks").
    const sideOf = (at: number, width: number, verb = false): number | null => {
      if (targetAt < at && (verb || hasRival(at + width, clause.to))) return 1;
      if (targetAt >= at + width && hasRival(clause.from, at)) return -1;
      return null;
    };
    for (const [list, sign] of [
      [LEFT_WINS, 1],
      [LEFT_LOSES, -1],
    ] as const) {
      for (const phrase of list) {
        if (!phraseAt(tokens, i, phrase)) continue;
        const side = sideOf(i, phrase.split(' ').length, true);
        if (side !== null && !(tokens[i - 1]?.word === 'nothing')) {
          return { side: side * sign, weight: COMPARISON_WEIGHT };
        }
      }
    }
    const word = tokens[i]!.word;
    if (word === 'than') {
      const sign = comparativeSign(tokens, i, clause.from);
      const side = sideOf(i, 1);
      if (sign !== 0 && side !== null) return { side: side * sign, weight: COMPARISON_WEIGHT };
    }
    if (word === 'over' || phraseAt(tokens, i, 'instead of')) {
      const chosen = tokens.slice(clause.from, i).some((t) => CHOICE_VERBS.has(t.word) || t.word === 'wins');
      const side = sideOf(i, word === 'over' ? 1 : 2);
      if (chosen && side !== null) return { side, weight: COMPARISON_WEIGHT };
    }
  }
  return null;
}

/** Where the target sits inside an aside ("compared with X", "unlike X"): the aside's token range. */
function asideOf(tokens: Token[], clause: Clause, target: number[]): [number, number] | null {
  for (let i = clause.from; i < clause.to; i++) {
    for (const phrase of ASIDE) {
      if (!phraseAt(tokens, i, phrase)) continue;
      const after = i + phrase.split(' ').length;
      const hit = target.find((t) => t >= after && t <= after + 3 && t < clause.to);
      if (hit !== undefined) return [i, clause.to];
    }
  }
  return null;
}

const weightOf = (clause: Clause, clauses: Clause[], index: number): number => {
  if (clause.role === 'pivot') return 2;
  if (clause.role === 'concessive') return 0.5;
  // A clause followed by a pivot about the same entity is the conceded half ("X is great, but ...").
  const next = clauses.slice(index + 1).find((c) => c.about === clause.about);
  if (next?.role === 'pivot') return 0.5;
  return 1;
};

export function mentionSentiment(input: SentimentInput): MentionSentiment {
  const tokens = tokenize(input.text);
  markEntities(tokens, input.charStart, input.charEnd, input.sameBrand);
  const clauses = splitClauses(tokens);
  const target = tokens.map((t, i) => (t.entity === 1 ? i : -1)).filter((i) => i >= 0);
  const isTarget = (about: number): boolean => about >= 0 && tokens[about]!.entity === 1;
  let raw = 0;
  let compared = false;
  clauses.forEach((clause, index) => {
    const weight = weightOf(clause, clauses, index);
    const aside = asideOf(tokens, clause, target);
    if (aside !== null) {
      // The rest of the sentence speaks of the other brand; the target gets the opposite.
      const others = clauses.reduce(
        (sum, other, k) =>
          other === clause
            ? sum + valence(tokens, clause.from, clause.to, (i) => i >= aside[0] && i < aside[1])
            : sum + valence(tokens, other.from, other.to) * weightOf(other, clauses, k),
        0,
      );
      raw -= Math.sign(others) * COMPARISON_WEIGHT;
      compared = true;
      return;
    }
    const comparison = comparisonIn(tokens, clause, target, isTarget(clause.about));
    if (comparison !== null) {
      raw += comparison.side * comparison.weight * weight;
      compared = true;
      return;
    }
    if (isTarget(clause.about)) raw += valence(tokens, clause.from, clause.to) * weight;
  });
  if (!compared && target.length > 0) raw += leadInValence(input.listLeadIn, raw);
  const label: SentimentLabel =
    raw >= LABEL_THRESHOLD ? 'positive' : raw <= -LABEL_THRESHOLD ? 'negative' : 'neutral';
  return { label, score: Number(Math.tanh(raw / 4).toFixed(3)) };
}

function leadInValence(leadIn: string | null | undefined, raw: number): number {
  if (!leadIn) return 0;
  if (NEGATIVE_CONTEXT.test(leadIn)) return raw > 2 ? 0 : -CONTEXT_WEIGHT;
  if (POSITIVE_CONTEXT.test(leadIn)) return raw < -2 ? 0 : CONTEXT_WEIGHT;
  return 0;
}

/**
 * The same for a brand named by text (the fixture and ad-hoc use): the first case-insensitive occurrence of
 * `brand` in `text`; a text without it is neutral.
 */
export function brandSentiment(text: string, brand: string, listLeadIn?: string | null): MentionSentiment {
  const at = text.toLowerCase().indexOf(brand.toLowerCase());
  if (at < 0) return mentionSentiment({ text, charStart: 0, charEnd: 0, listLeadIn });
  return mentionSentiment({ text, charStart: at, charEnd: at + brand.length, listLeadIn });
}
