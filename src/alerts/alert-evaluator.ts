/**
 * Pure alert evaluation: given a rule's parameters, its state after the previous evaluation and the figures
 * observed at this landing, decide the next state and whether an alert fires. No I/O, no clock.
 *
 * Hysteresis (docs/alerts.md): a threshold rule fires when its condition starts to hold and is then "firing";
 * it fires again only after the condition has cleared by `hysteresisPoints` below the threshold. Values that
 * oscillate around the threshold therefore produce one alert, not one per crossing. above_fold_change uses a
 * band of `hysteresisPoints` centred on the threshold: the side only changes once the rate leaves the band.
 */

export type AlertRuleKind =
  'mention_rate_drop' | 'competitor_overtake' | 'above_fold_change' | 'first_own_domain_citation';

export type FoldSide = 'above' | 'below';
export type FoldDirection = 'entering' | 'leaving' | 'both';
export type AlertTransition = 'fired' | 'entering' | 'leaving' | 'first_citation';

export interface RuleState {
  firing: boolean;
  side: FoldSide | null;
  lastValue: number | null;
}

export type Figures = Record<string, number | string | string[] | null>;

export interface AlertTrigger {
  transition: AlertTransition;
  figures: Figures;
}

export interface Evaluation {
  state: RuleState;
  trigger: AlertTrigger | null;
  /** false when a window held fewer than minRuns runs: nothing was decided, the state is unchanged. */
  decided: boolean;
}

/** Runs counted in a window and how many of them had the property (mentioned, above the fold). */
export interface RateCounts {
  n: number;
  hits: number;
}

export interface MentionRateDropParams {
  windowHours: number;
  dropPoints: number;
  minRuns: number;
  hysteresisPoints: number;
}

export interface CompetitorOvertakeParams {
  windowHours: number;
  minRuns: number;
  hysteresisPoints: number;
}

export interface AboveFoldParams {
  windowHours: number;
  thresholdPercent: number;
  direction: FoldDirection;
  minRuns: number;
  hysteresisPoints: number;
}

/** The competitor must reach the reader first in more than this share of both-mentioned runs. */
export const OVERTAKE_THRESHOLD_PERCENT = 50;

/** Percent (or points) rounded to 6 decimals, so 0.6 - 0.4 compares as 20 points, not 19.999999999999996. */
export const percent = (hits: number, n: number): number => round6((hits / n) * 100);
const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

const undecided = (state: RuleState): Evaluation => ({ state, trigger: null, decided: false });

/**
 * Fires when the rate over the trailing window is at least `dropPoints` below the previous window's;
 * clears once the drop is back to `dropPoints - hysteresisPoints` or less.
 */
export function evaluateMentionRateDrop(
  p: MentionRateDropParams,
  state: RuleState,
  obs: { current: RateCounts; previous: RateCounts },
): Evaluation {
  if (obs.current.n < p.minRuns || obs.previous.n < p.minRuns) return undecided(state);
  const currentRate = percent(obs.current.hits, obs.current.n);
  const previousRate = percent(obs.previous.hits, obs.previous.n);
  const drop = round6(previousRate - currentRate);
  const figures: Figures = {
    currentRatePercent: currentRate,
    previousRatePercent: previousRate,
    dropPoints: drop,
    thresholdPoints: p.dropPoints,
    currentN: obs.current.n,
    previousN: obs.previous.n,
  };
  return threshold(state, drop, drop >= p.dropPoints, drop <= p.dropPoints - p.hysteresisPoints, figures);
}

/**
 * Head to head over the trailing window (the same counting as GET /v1/reports/head-to-head): among the runs
 * where both the brand and the competitor are mentioned, the share where the competitor comes first. Fires
 * when it exceeds 50% (the competitor now wins more head-to-heads than the brand), clears at
 * 50 - hysteresisPoints or less. Needs minRuns both-mentioned runs.
 */
export function evaluateCompetitorOvertake(
  p: CompetitorOvertakeParams,
  state: RuleState,
  obs: { bothMentioned: number; competitorFirst: number },
): Evaluation {
  if (obs.bothMentioned < p.minRuns || obs.bothMentioned === 0) return undecided(state);
  const rate = percent(obs.competitorFirst, obs.bothMentioned);
  const figures: Figures = {
    competitorFirstRatePercent: rate,
    brandFirstRatePercent: round6(100 - rate),
    thresholdPercent: OVERTAKE_THRESHOLD_PERCENT,
    bothMentioned: obs.bothMentioned,
    competitorFirst: obs.competitorFirst,
  };
  return threshold(
    state,
    rate,
    rate > OVERTAKE_THRESHOLD_PERCENT,
    rate <= OVERTAKE_THRESHOLD_PERCENT - p.hysteresisPoints,
    figures,
  );
}

function threshold(
  state: RuleState,
  value: number,
  holds: boolean,
  cleared: boolean,
  figures: Figures,
): Evaluation {
  if (!state.firing && holds) {
    return {
      state: { ...state, firing: true, lastValue: value },
      trigger: { transition: 'fired', figures },
      decided: true,
    };
  }
  const firing = state.firing && !cleared;
  return { state: { ...state, firing, lastValue: value }, trigger: null, decided: true };
}

/**
 * The above-the-fold rate over the trailing window against `thresholdPercent`, with a band of
 * `hysteresisPoints` centred on it: the rate is "above" once it reaches threshold + h/2 and "below" once it
 * falls under threshold - h/2; inside the band the side does not change. The first decided evaluation only
 * records the side (rate >= threshold: above); each later change of side is a transition: below → above is
 * `entering`, above → below is `leaving`, and fires when `direction` includes it.
 */
export function evaluateAboveFold(
  p: AboveFoldParams,
  state: RuleState,
  obs: { current: RateCounts },
): Evaluation {
  if (obs.current.n < p.minRuns || obs.current.n === 0) return undecided(state);
  const rate = percent(obs.current.hits, obs.current.n);
  const half = p.hysteresisPoints / 2;
  let side: FoldSide;
  if (state.side === null) side = rate >= p.thresholdPercent ? 'above' : 'below';
  else if (state.side === 'below') side = rate >= p.thresholdPercent + half ? 'above' : 'below';
  else side = rate < p.thresholdPercent - half ? 'below' : 'above';
  const next: RuleState = { firing: side === 'above', side, lastValue: rate };
  if (state.side === null || side === state.side) return { state: next, trigger: null, decided: true };
  const transition = side === 'above' ? 'entering' : 'leaving';
  const wanted = p.direction === 'both' || p.direction === transition;
  const figures: Figures = {
    aboveFoldRatePercent: rate,
    thresholdPercent: p.thresholdPercent,
    hysteresisPoints: p.hysteresisPoints,
    n: obs.current.n,
    aboveFold: obs.current.hits,
  };
  return { state: next, trigger: wanted ? { transition, figures } : null, decided: true };
}

/** Fires once per rule: on the first landing evaluated whose citations include one of the brand's domains. */
export function evaluateFirstOwnDomainCitation(
  state: RuleState,
  obs: { citedUrls: string[]; citedDomains: string[] },
): Evaluation {
  if (state.firing || obs.citedUrls.length === 0) return { state, trigger: null, decided: true };
  return {
    state: { ...state, firing: true, lastValue: obs.citedUrls.length },
    trigger: {
      transition: 'first_citation',
      figures: { citations: obs.citedUrls.length, urls: obs.citedUrls, domains: obs.citedDomains },
    },
    decided: true,
  };
}
