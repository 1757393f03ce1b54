/** Accuracy, per-class and macro F1 of a three-way labelling, and a seeded bootstrap interval for macro F1. */
import { type SentimentLabel } from './mention-sentiment';

export const LABELS: readonly SentimentLabel[] = ['positive', 'neutral', 'negative'];

export interface Scored {
  gold: SentimentLabel;
  predicted: SentimentLabel;
}

export interface ClassificationFigures {
  n: number;
  accuracy: number;
  macroF1: number;
  /** F1 of each class; a class never predicted nor present scores 0. */
  f1: Record<SentimentLabel, number>;
}

export function classificationFigures(items: readonly Scored[]): ClassificationFigures {
  const f1 = {} as Record<SentimentLabel, number>;
  for (const label of LABELS) {
    const tp = items.filter((i) => i.gold === label && i.predicted === label).length;
    const fp = items.filter((i) => i.gold !== label && i.predicted === label).length;
    const fn = items.filter((i) => i.gold === label && i.predicted !== label).length;
    f1[label] = tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  const correct = items.filter((i) => i.gold === i.predicted).length;
  return {
    n: items.length,
    accuracy: items.length === 0 ? 0 : correct / items.length,
    macroF1: LABELS.reduce((sum, label) => sum + f1[label], 0) / LABELS.length,
    f1,
  };
}

/** The most frequent gold label (ties: LABELS order). */
export function majorityLabel(gold: readonly SentimentLabel[]): SentimentLabel {
  const counts = LABELS.map((label) => gold.filter((g) => g === label).length);
  return LABELS[counts.indexOf(Math.max(...counts))] as SentimentLabel;
}

/**
 * Percentile bootstrap interval of macro F1 (resampling items with replacement, `rounds` times, from a fixed
 * seed so the figure is reproducible).
 */
export function macroF1Interval(items: readonly Scored[], rounds = 2000, seed = 26): [number, number] {
  let state = seed >>> 0;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
  const values: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const sample = items.map(() => items[Math.floor(next() * items.length)] as Scored);
    values.push(classificationFigures(sample).macroF1);
  }
  values.sort((a, b) => a - b);
  return [values[Math.floor(rounds * 0.025)] as number, values[Math.ceil(rounds * 0.975) - 1] as number];
}
