/**
 * Mention sentiment accuracy (`npm run bench:sentiment`).
 *
 * Scores every item of test/fixtures/sentiment/mentions.jsonl (a brand, the sentence or list item naming it,
 * the list's lead-in when there is one, a hand label) with three labellers and reports, per split, accuracy,
 * macro F1 (with a 95% percentile-bootstrap interval, 2,000 seeded resamples) and per-class F1:
 *
 * - `majority`: the dev split's most frequent label for every item;
 * - `lexicon`: the plain `sentiment` package (AFINN-165 with its one-word negation) on the whole text, score
 *   > 0 positive, < 0 negative, 0 neutral: what a tool that does not look at which brand is meant gets;
 * - `streamrank`: src/insights/sentiment (mentionSentiment through brandSentiment).
 *
 * Splits (see the fixture's README): `dev` (tuned on), `heldout` (never tuned on, but written by the same
 * hand as the lexicon before it existed), `fresh1` (written after the first freeze, then tuned on), `fresh2`
 * (written after the second freeze, never tuned on). The target (macro F1 >= 0.75 and ahead of both
 * baselines) is judged on `heldout`; `fresh2` is reported next to it as the stricter check.
 *
 * The last stdout line is one JSON object with `targets` [{name, target, measured, headroom}], headroom =
 * measured / target (>= 1 met).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Sentiment from 'sentiment';
import {
  classificationFigures,
  LABELS,
  macroF1Interval,
  majorityLabel,
  type ClassificationFigures,
  type Scored,
} from '../src/insights/sentiment/classification-metrics';
import { brandSentiment, type SentimentLabel } from '../src/insights/sentiment/mention-sentiment';

interface Item {
  id: string;
  split: string;
  category: string;
  brand: string;
  label: SentimentLabel;
  text: string;
  context?: string;
}

const TARGET_MACRO_F1 = 0.75;
const TARGET_SPLIT = 'heldout';
const SPLITS = ['dev', 'heldout', 'fresh1', 'fresh2'];
const UNTUNED = ['heldout', 'fresh2'];
const FIXTURE = path.join(__dirname, '..', 'test', 'fixtures', 'sentiment', 'mentions.jsonl');

const items: Item[] = readFileSync(FIXTURE, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as Item);

const afinn = new Sentiment();
const majority = majorityLabel(items.filter((item) => item.split === 'dev').map((item) => item.label));
const labellers: Record<string, (item: Item) => SentimentLabel> = {
  majority: () => majority,
  lexicon: (item) => {
    const score = afinn.analyze(item.text).score;
    return score > 0 ? 'positive' : score < 0 ? 'negative' : 'neutral';
  },
  streamrank: (item) => brandSentiment(item.text, item.brand, item.context ?? null).label,
};

const round = (value: number, digits = 3): number => Number(value.toFixed(digits));

interface Row extends ClassificationFigures {
  labeller: string;
  split: string;
  interval: [number, number];
}

const rows: Row[] = [];
const started = performance.now();
for (const split of SPLITS) {
  const inSplit = items.filter((item) => item.split === split);
  for (const [labeller, label] of Object.entries(labellers)) {
    const scored: Scored[] = inSplit.map((item) => ({ gold: item.label, predicted: label(item) }));
    rows.push({ labeller, split, ...classificationFigures(scored), interval: macroF1Interval(scored) });
  }
}
const elapsedMs = performance.now() - started;

console.log(`fixture: ${items.length} items; majority label of dev: ${majority}`);
console.log('split    n    labeller    accuracy  macro-F1 [95% bootstrap]   F1 pos / neu / neg');
for (const row of rows) {
  console.log(
    `${row.split.padEnd(8)} ${String(row.n).padEnd(4)} ${row.labeller.padEnd(11)} ${row.accuracy.toFixed(3).padEnd(9)} ` +
      `${row.macroF1.toFixed(3)} [${row.interval[0].toFixed(3)}-${row.interval[1].toFixed(3)}]`.padEnd(27) +
      LABELS.map((label) => row.f1[label].toFixed(3)).join(' / '),
  );
}
const perCategory = [...new Set(items.map((item) => item.category))].map((category) => {
  const inCategory = items.filter((item) => item.category === category && UNTUNED.includes(item.split));
  const correct = inCategory.filter((item) => labellers.streamrank!(item) === item.label).length;
  return { category, n: inCategory.length, accuracy: round(correct / Math.max(inCategory.length, 1)) };
});
console.log(
  `streamrank accuracy by category on the untuned splits (heldout, fresh2): ${perCategory.map((c) => `${c.category} ${c.accuracy} (n=${c.n})`).join(', ')}`,
);
console.log(`scored ${items.length * 3} item-labeller pairs plus bootstraps in ${Math.round(elapsedMs)} ms`);

const row = (labeller: string, split: string): Row =>
  rows.find((r) => r.labeller === labeller && r.split === split)!;
const target = (split: string): Record<string, unknown> => {
  const mine = row('streamrank', split);
  const best = Math.max(row('majority', split).macroF1, row('lexicon', split).macroF1);
  return {
    name: `macroF1.${split}`,
    target: TARGET_MACRO_F1,
    measured: round(mine.macroF1),
    headroom: round(mine.macroF1 / TARGET_MACRO_F1, 2),
    interval: mine.interval.map((v) => round(v)),
    aheadOfBaselines: mine.macroF1 > best,
    bestBaseline: round(best),
  };
};
console.log(
  JSON.stringify({
    metric: 'macro F1 of mention sentiment (positive / neutral / negative) against hand labels',
    targetSplit: TARGET_SPLIT,
    targets: [target(TARGET_SPLIT), target('fresh2')],
    results: rows.map((r) => ({
      split: r.split,
      labeller: r.labeller,
      n: r.n,
      accuracy: round(r.accuracy),
      macroF1: round(r.macroF1),
      interval: r.interval.map((v) => round(v)),
      f1: Object.fromEntries(LABELS.map((label) => [label, round(r.f1[label])])),
    })),
    perCategory,
  }),
);
