import type { AlertEvent } from '../../api/types';

export const KIND_LABEL: Record<AlertEvent['kind'], string> = {
  mention_rate_drop: 'Mention rate drop',
  competitor_overtake: 'Competitor overtake',
  above_fold_change: 'Above-the-fold change',
  first_own_domain_citation: 'First own-domain citation',
};

export const TRANSITION_LABEL: Record<AlertEvent['transition'], string> = {
  fired: 'Fired',
  entering: 'Entered',
  leaving: 'Recovered',
  first_citation: 'First citation',
};

function humanKey(k: string): string {
  return k
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
}

function humanValue(k: string, v: number | string | string[] | null): string {
  if (v === null) return '–';
  if (Array.isArray(v)) return v.join(', ');
  if (typeof v === 'number') {
    if (/rate|share/i.test(k) && Math.abs(v) <= 1) return `${(v * 100).toFixed(1)}%`;
    if (/ms$/i.test(k)) return v < 1000 ? `${Math.round(v)} ms` : `${(v / 1000).toFixed(1)} s`;
    return Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(2);
  }
  return v;
}

/** The figures an alert carries, for people: "mention rate 31.0%, baseline 45.0%". */
export function describeFigures(figures: AlertEvent['figures']): string {
  return Object.entries(figures)
    .filter(([k]) => !/id$/i.test(k))
    .slice(0, 5)
    .map(([k, v]) => `${humanKey(k)} ${humanValue(k, v)}`)
    .join(', ');
}
