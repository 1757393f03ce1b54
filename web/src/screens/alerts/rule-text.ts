// Labels and help of the alert rule form (docs/alerts.md says the same at length).
import type { ParamKey } from './rule-draft';

export const PARAM_LABEL: Record<ParamKey, string> = {
  brandId: 'Brand',
  competitorId: 'Competitor',
  windowHours: 'Window (hours)',
  dropPoints: 'Drop (points)',
  thresholdPercent: 'Threshold (%)',
  direction: 'Direction',
  minRuns: 'Minimum runs',
  hysteresisPoints: 'Hysteresis (points)',
};

export const PARAM_HELP: Record<ParamKey, string> = {
  brandId: 'The brand watched; by default the project’s own brand.',
  competitorId: 'Fires when this competitor comes first in more than half of the answers naming both.',
  windowHours: 'The trailing window each landing run looks back over (default 168, at most 2160).',
  dropPoints: 'Fires when the mention rate is this many points below the window before.',
  thresholdPercent: 'Fires when the above-the-fold rate crosses this share.',
  direction: 'Which crossings fire.',
  minRuns: 'Nothing is decided while a window holds fewer runs (default 10).',
  hysteresisPoints: 'How far the value must come back before the rule can fire again.',
};

export const KIND_HELP: Record<string, string> = {
  mention_rate_drop: 'The brand’s mention rate over the window against the window before.',
  competitor_overtake: 'A competitor now comes first more often than the brand when both are named.',
  above_fold_change: 'The brand enters or leaves the top of answers (above the fold).',
  first_own_domain_citation: 'Once: the first answer citing one of the brand’s own domains.',
};
