import { useEffect, useState, type ReactNode } from 'react';
import { describeError } from '../api/errors';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

function useCountdown(seconds: number | undefined): number | undefined {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    setLeft(seconds);
    if (seconds === undefined || seconds <= 0) return;
    const id = window.setInterval(() => setLeft((s) => (s === undefined || s <= 1 ? 0 : s - 1)), 1000);
    return () => window.clearInterval(id);
  }, [seconds]);
  return left;
}

/** Any API error: what went wrong, the 429 wait counting down, and a retry button. */
export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const d = describeError(error);
  const left = useCountdown(d.retryAfterSeconds);
  const waiting = left !== undefined && left > 0;
  return (
    <div className="state state-error" role="alert">
      <strong>{d.title}</strong>
      <p>{waiting ? `Rate limited: try again in ${left} s.` : d.detail}</p>
      {onRetry && (
        <button type="button" className="btn" onClick={onRetry} disabled={waiting}>
          {waiting ? `Retry in ${left} s` : 'Retry'}
        </button>
      )}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <strong>{title}</strong>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}

/** Labels synthetic (demo engine) data wherever it is shown. */
export function SyntheticBadge({ title = 'Synthetic data from the demo engine, not a real AI engine' }) {
  return (
    <span className="badge badge-synthetic" title={title}>
      Synthetic
    </span>
  );
}
