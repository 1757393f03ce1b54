import type { DataKind } from '../../filters/search';
import { SyntheticBadge } from '../../ui';

/** Says which section is shown; synthetic data is always labelled. */
export function SectionNotice({ kind, auto, runs }: { kind: DataKind; auto: boolean; runs?: number }) {
  if (kind === 'measured') return null;
  return (
    <p className="notice notice-synthetic" data-testid="synthetic-notice">
      <SyntheticBadge />
      <span>
        {auto
          ? 'No measured runs in this period: showing synthetic data from the demo engine'
          : 'Showing synthetic data'}
        {runs !== undefined ? ` (${runs.toLocaleString('en-US')} runs)` : ''}. It is never mixed into measured
        figures.
      </span>
    </p>
  );
}
