/**
 * Head to head for one pair of brands across runs: when both appear, who reaches the reader first, and by
 * how much. "First" is by text position (the brand's `order` in the run), which is also the reading order;
 * leads are measured on the first mentions' arrival times and token indexes.
 */
import { median, wilsonInterval, type RateInterval } from '../../src/scoring/statistics';

export interface FirstAppearance {
  order: number;
  firstVisibleAtUs: number;
  firstTokenIndex: number;
}

/** One run: each brand's first appearance, or null when the brand is absent from that run. */
export interface HeadToHeadRun {
  a: FirstAppearance | null;
  b: FirstAppearance | null;
}

export interface HeadToHeadResult {
  runs: number;
  bothMentioned: number;
  onlyA: number;
  onlyB: number;
  neither: number;
  aFirst: number;
  bFirst: number;
  /** Share of both-mentioned runs where A came first, with its 95% Wilson interval; null when none. */
  aFirstRate: RateInterval | null;
  /**
   * Median over both-mentioned runs of (B's first arrival - A's first arrival): positive when A usually
   * reaches the reader first. Milliseconds (fractional, from µs); null when no run has both.
   */
  medianLeadMs: number | null;
  /** Same in tokens: B's first token index - A's first token index. */
  medianLeadTokens: number | null;
}

export function headToHead(runs: readonly HeadToHeadRun[]): HeadToHeadResult {
  let onlyA = 0;
  let onlyB = 0;
  let neither = 0;
  let aFirst = 0;
  const leadsMs: number[] = [];
  const leadsTokens: number[] = [];
  for (const { a, b } of runs) {
    if (a === null && b === null) neither++;
    else if (b === null) onlyA++;
    else if (a === null) onlyB++;
    else {
      if (a.order < b.order) aFirst++;
      leadsMs.push((b.firstVisibleAtUs - a.firstVisibleAtUs) / 1000);
      leadsTokens.push(b.firstTokenIndex - a.firstTokenIndex);
    }
  }
  const bothMentioned = leadsMs.length;
  return {
    runs: runs.length,
    bothMentioned,
    onlyA,
    onlyB,
    neither,
    aFirst,
    bFirst: bothMentioned - aFirst,
    aFirstRate: wilsonInterval(aFirst, bothMentioned),
    medianLeadMs: median(leadsMs),
    medianLeadTokens: median(leadsTokens),
  };
}
