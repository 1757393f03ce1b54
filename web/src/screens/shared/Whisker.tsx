import type { Interval } from '../../api/types';
import { formatRate } from '../../ui';

/** A rate as a dot with its interval as a bar, on a 0-100% scale (the text is the accessible value). */
export function Whisker({ value, color }: { value: Interval; color: string }) {
  const { rate, low, high } = value;
  if (rate === null) return <span className="muted">–</span>;
  const pct = (v: number) => `${Math.max(0, Math.min(100, v * 100))}%`;
  return (
    <div className="whisker" title={formatRate(rate, low, high)} aria-hidden="true">
      {low !== null && high !== null && (
        <span
          className="whisker-range"
          style={{ left: pct(low), width: pct(high - low), background: color }}
        />
      )}
      <span className="whisker-dot" style={{ left: pct(rate), background: color }} />
    </div>
  );
}
