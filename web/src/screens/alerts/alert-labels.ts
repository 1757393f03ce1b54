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

const ISO_TIME = /^\d{4}-\d{2}-\d{2}T/;

/**
 * The figures an alert carries, for people: "24 h window · mention rate 31.0% · baseline 45.0%". Ids and the
 * window's timestamps are left out (the row's time says when; the CSV keeps every figure).
 */
export function describeFigures(figures: AlertEvent['figures'], max = 4): string {
  const entries = Object.entries(figures).filter(
    ([k, v]) => !/id$/i.test(k) && !(typeof v === 'string' && ISO_TIME.test(v)),
  );
  const window = entries.find(([k]) => k === 'windowHours');
  const rest = entries.filter(([k]) => k !== 'windowHours').slice(0, max);
  const parts = rest.map(([k, v]) => `${humanKey(k)} ${humanValue(k, v)}`);
  if (window && typeof window[1] === 'number') parts.unshift(`${window[1]} h window`);
  return parts.join(' · ');
}
