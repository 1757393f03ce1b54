/**
 * The word lists behind mention sentiment. The base is AFINN-165 (the `sentiment` package's English labels,
 * -5..5); DOMAIN overrides and extends it with how answers about products speak ("pricey", "overkill",
 * "clunky", "go-to"), and NEUTRAL_IN_ANSWERS drops AFINN words that are mostly descriptive in them ("supports
 * SSO", "a free plan", "tools like X").
 */
import afinn from 'sentiment/languages/en/labels.json';

/** Product-answer valences, on AFINN's scale; they replace AFINN's value for the same word. */
// prettier-ignore
const DOMAIN: Record<string, number> = {
  // praise
  recommend: 3, recommended: 3, recommendation: 2, 'go-to': 3, pick: 1, favourite: 2, standout: 3, excellent: 3,
  superb: 3, outstanding: 3, fantastic: 3, amazing: 3, amazingly: 3, delightful: 3, polished: 2, intuitive: 2,
  reliable: 2, dependable: 2, durable: 2, affordable: 2, cheapest: 2, lightweight: 1, fast: 2, faster: 2,
  fastest: 2, flawlessly: 3, painless: 2, effortless: 2, seamless: 2, plush: 2, forgiving: 1, comfortable: 2,
  handy: 2, convenient: 2, powerful: 2, flexible: 2, versatile: 2, accurate: 2, transparent: 2, private: 0.5,
  'privacy-first': 2, 'privacy-friendly': 2, 'privacy-focused': 2, 'open-source': 0.5, audited: 1,
  'best-in-class': 3, 'top-rated': 3, 'top-notch': 3, 'developer-friendly': 2, 'no-nonsense': 2, usable: 1,
  decent: 2, solid: 2, reasonable: 1, dependably: 2, generous: 2, 'hassle-free': 2, consistent: 1, clean: 1,
  okay: 2, ok: 2, trustworthy: 2, proven: 2, leads: 2, modern: 1, 'old-fashioned': -2, 'turn-off': -2,
  quicker: 2, cheaper: 2, lighter: 1, harder: -2, friendlier: 2, cleaner: 1, simple: 1, simpler: 1, easier: 2, easiest: 2, 'easy-to-use': 2, trusted: 2, trust: 1, worth: 2,
  beloved: 3, loved: 3, shines: 3, stands: 0, improving: 1, disappoints: -2, capable: 1, relevant: 1,
  // criticism
  expensive: -2, pricey: -2, priciest: -2, overpriced: -3, costly: -2, overkill: -2, clunky: -2, dated: -2,
  outdated: -2, bloated: -2, sluggish: -2, slow: -2, slower: -2, laggy: -2, buggy: -3, bugs: -2, cluttered: -2,
  confusing: -2, overwhelming: -2, overwhelm: -2, complex: -1, rigid: -1, tedious: -2, 'error-prone': -2,
  unstable: -2, unreliable: -3, restrictive: -2, shallow: -1, heavy: -1, heavier: -1, narrow: -1, firm: 0,
  breach: -3, breaches: -3, incidents: -2, frustrated: -2, headache: -2, struggle: -2, painful: -2,
  'resource-hungry': -2, criticised: -2, criticized: -2, complaint: -2, complaints: -2, wary: -2, concern: -2,
  drawback: -2, pricier: -2, inconsistent: -2, annoying: -2, limiting: -2, limited: -2, lacks: -2, lack: -2,
  stalled: -2, slowed: -2, weaker: -2, hesitate: -2, 'mac-only': -1, avoid: -3, skip: -2, unexciting: -1,
  suggest: 2, ideal: 3, 'good-looking': 2, complete: 2, lowest: 0, outgrow: -2, overtaken: 0, wears: 0,
  surprise: -1, surprisingly: 0, rough: -1, hiccups: -1, steep: -1, worse: -2,
};

/** AFINN words that in product answers mostly describe rather than judge. */
// prettier-ignore
const NEUTRAL_IN_ANSWERS = [
  'like', 'support', 'supports', 'supported', 'free', 'share', 'shared', 'sharing', 'help', 'helps', 'popular',
  'charges', 'charge', 'offline', 'hard', 'failure', 'successful', 'limits', 'cut', 'care', 'secret', 'kill', 'no',
  'vs', 'cloud', 'pay', 'paid', 'want', 'united', 'fan', 'commitment', 'demand', 'true', 'sure', 'please',
  'extend', 'numb', 'block', 'matter', 'matters', 'justice', 'top', 'clear', 'lost', 'increases', 'exclusive',
];

export const LEXICON: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>(Object.entries(afinn as Record<string, number>));
  for (const word of NEUTRAL_IN_ANSWERS) map.delete(word);
  for (const [word, value] of Object.entries(DOMAIN)) map.set(word, value);
  return map;
})();

/**
 * A word's valence, trying simple English inflections when the form itself is not listed ("nicely" -> nice,
 * "struggles" -> struggle, "simplest" -> simple, "bugged" -> bug); 0 when none is.
 */
export function lexiconValue(word: string): number {
  const base = word.replace(/'s$/, '');
  const direct = LEXICON.get(base);
  if (direct !== undefined) return direct;
  const candidates = [
    base.replace(/ily$/, 'y'),
    base.replace(/ly$/, ''),
    base.replace(/ies$/, 'y'),
    base.replace(/es$/, ''),
    base.replace(/s$/, ''),
    base.replace(/ied$/, 'y'),
    base.replace(/ed$/, ''),
    base.replace(/d$/, ''),
    base.replace(/ing$/, ''),
    base.replace(/ing$/, 'e'),
    base.replace(/iest$/, 'y'),
    base.replace(/est$/, ''),
    base.replace(/st$/, ''),
    base.replace(/ier$/, 'y'),
    base.replace(/er$/, ''),
    base.replace(/r$/, ''),
  ];
  for (const candidate of candidates) {
    if (candidate !== base && candidate.length >= 3) {
      const value = LEXICON.get(candidate);
      if (value !== undefined) return value;
    }
  }
  return 0;
}

/** Nouns of which less is better: "uses less memory than", "more fees". */
export const COST_NOUNS = new Set([
  'memory',
  'ram',
  'fees',
  'fee',
  'money',
  'power',
  'energy',
  'effort',
  'time',
  'cpu',
  'bandwidth',
  'ads',
  'clutter',
  'noise',
  'maintenance',
  'setup',
  'configuration',
  'boilerplate',
  'weight',
]);

/** Multi-word cues, matched on lower-case tokens joined by one space; longest first wins. */
// prettier-ignore
export const PHRASES: ReadonlyArray<readonly [string, number]> = [
  ["can't go wrong", 4], ['cannot go wrong', 4], ['nothing wrong', 3], ['hard to beat', 4], ['nothing beats', 4],
  ['top pick', 3], ['clear winner', 4], ['industry standard', 3], ['worth it', 3], ['worth the money', 3],
  ['worth the subscription', 3], ['worth considering', 2], ['good enough', 2], ['value pick', 2],
  ['great value', 3], ['best value', 3], ['just work', 2], ['just works', 2], ['without fuss', 2],
  ['stands out', 3], ['standing out', 3], ['learning curve', -1], ['steep learning curve', -2],
  ['hard to justify', -3], ['hard to recommend', -3], ['more trouble than', -3], ['better options', -2],
  ['not worth', -3], ['not ideal', -2], ['not a good fit', -2], ['not a great fit', -2], ['no longer', -1],
  ['falls short', -3], ['fall short', -3], ['lags behind', -3], ['losing ground', -3], ['showing its age', -3],
  ['far from intuitive', -3], ['steer clear', -3], ['rules it out', -3], ['eat into', -2],
  ['catch you off guard', -2], ['add up', -1], ['price increases', -2], ['price hikes', -2],
  ['account freezes', -2], ['moved on', -2], ['not a replacement', -2], ['wears out', -2], ['rough edges', -1],
  ['gets expensive', -3], ['fees are high', -3], ['is gone', -2], ['no free tier', -2], ['no free plan', -1],
  ['doing nothing particularly well', -3], ['hard to predict', -2], ['privacy issues', -3],
  ['security incidents', -3], ['so polished', 3], ['easy to use', 2], ['cheapest plan', -0.5],
  ['cheapest tier', -0.5], ['lowest fees', 3], ['lowest prices', 3], ['low fees', 2], ["wouldn't use", -3],
  ['would not use', -3], ['right answer', 2], ['right choice', 2], ['obvious choice', 2], ['work well', 2],
  ['works well', 2], ['put off', -2],
  ['hard to', -2], ['look elsewhere', -3], ['crept up', -2], ['locked behind', -2], ['prices rise', -2],
  ['pays for itself', 3], ['makes up for', 3], ['one to get', 3], ['one to buy', 3], ['to buy', 2],
  ['not sure', -2], ['not convinced', -2], ["wouldn't pick", -3], ["wouldn't choose", -3], ["wouldn't buy", -3],
  ["wouldn't recommend", -3], ['relied on', 2], ['easy to get started', 2], ['easy to set up', 2], ['actually usable', 2],
];

/** Words that turn the next few words' valence around. */
// prettier-ignore
export const NEGATORS = new Set([
  'not', 'no', 'never', "n't", 'without', 'hardly', 'barely', 'nothing', "isn't", "doesn't", "don't", "won't",
  "can't", "wasn't", "aren't", "wouldn't", "couldn't", "haven't", "hasn't", 'cannot', 'nor', 'lacks', 'lack',
  'rarely', 'seldom',
]);

/** Clause openers after which the writer's point lies (the clause before them weighs less). */
export const PIVOTS = new Set(['but', 'however', 'yet', 'still', 'nevertheless', 'nonetheless']);
/** Concessive openers: the clause they open weighs less than the main clause. */
export const CONCESSIVES = new Set(['although', 'though', 'while', 'whereas', 'despite', 'even']);

/** A list's lead-in line ("Cons:") colours a bare item below it. */
export const NEGATIVE_CONTEXT =
  /\b(cons|drawbacks?|downsides?|disadvantages?|avoid|skip|steer clear|overrated|watch out|migrate away|legacy|not recommended|worst|weaknesses|problems|issues)\b/i;
export const POSITIVE_CONTEXT =
  /\b(pros|top picks?|recommended|recommend|best|what (?:we|i) like|favou?rites?|advantages|strengths|why (?:we|i) like)\b/i;

/** Capitalised words that start clauses or name things other than brands; never taken for a rival brand. */
// prettier-ignore
export const COMMON_CAPITALISED = new Set([
  'i', 'if', 'for', 'the', 'in', 'my', 'compared', 'unlike', 'while', 'although', 'despite', 'honestly', 'some',
  'runners', 'tools', 'other', 'common', 'you', 'which', 'point', 'run', 'pros', 'cons', 'a', 'an', 'it', 'its',
  'this', 'that', 'they', 'we', 'our', 'and', 'but', 'however', 'when', 'with', 'to', 'on', 'as', 'at', 'by',
  'from', 'of', 'or', 'so', 'nothing', 'creators', 'most', 'many', 'all', 'both', 'each', 'best',
]);
