// Today's runs and estimated spend against the workspace's daily caps (WORKSPACE_MAX_RUNS_PER_DAY,
// WORKSPACE_MAX_SPEND_USD_PER_DAY; GET /v1/usage), when they reset, and the last days.
import { useQuery } from '@tanstack/react-query';
import { ErrorState, formatDate, formatDateTime, formatN, Loading } from '../ui';
import { usageQuery, USAGE_DAYS, type Usage } from './queries';

const usd = (v: number): string => `$${v < 1 && v > 0 ? v.toFixed(4) : v.toFixed(2)}`;

function Gauge(p: {
  testId: string;
  label: string;
  used: number;
  cap: number | null;
  remaining: number | null;
  format: (v: number) => string;
}) {
  return (
    <div className="tile" data-testid={p.testId} data-used={p.used} data-cap={p.cap ?? ''}>
      <div className="tile-label">{p.label}</div>
      <div className="tile-value">
        {p.format(p.used)}
        <span className="ws-cap"> {p.cap === null ? 'no cap' : `of ${p.format(p.cap)}`}</span>
      </div>
      {p.cap !== null && (
        <progress max={p.cap} value={Math.min(p.used, p.cap)} aria-label={`${p.label} against the cap`} />
      )}
      <div className="tile-sub">
        {p.remaining === null
          ? 'Unlimited (no daily cap is set)'
          : p.remaining === 0
            ? 'Cap reached: new runs are skipped until the reset'
            : `${p.format(p.remaining)} left today`}
      </div>
    </div>
  );
}

function History({ usage }: { usage: Usage }) {
  return (
    <div className="table-scroll">
      <table className="data-table" data-testid="usage-history">
        <caption>Last {USAGE_DAYS} days (UTC)</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col" className="num">
              Counted runs
            </th>
            <th scope="col" className="num">
              Skipped
            </th>
            <th scope="col" className="num">
              Estimated spend
            </th>
          </tr>
        </thead>
        <tbody>
          {[...usage.history].reverse().map((d) => (
            <tr key={d.day}>
              <td>{formatDate(`${d.day}T00:00:00Z`)}</td>
              <td className="num" data-value={d.countedRuns}>
                {formatN(d.countedRuns)}
              </td>
              <td className="num" data-value={d.runs.skipped}>
                {formatN(d.runs.skipped)}
              </td>
              <td className="num" data-value={d.estimatedSpendUsd}>
                {usd(d.estimatedSpendUsd)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function UsageSection() {
  const q = useQuery(usageQuery());
  return (
    <section className="panel" aria-labelledby="usage-title" data-testid="usage">
      <div className="panel-head">
        <div>
          <h2 id="usage-title">Usage today</h2>
          <p className="muted">
            Runs created and estimated spend of the whole workspace this UTC day, against its daily caps. Over
            a cap, scheduled runs are skipped (never lost) and &ldquo;run now&rdquo; is refused.
          </p>
        </div>
      </div>
      {q.isPending ? (
        <Loading label="Loading usage…" />
      ) : q.error ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <div className="tiles">
            <Gauge
              testId="usage-runs"
              label="Runs"
              used={q.data.today.countedRuns}
              cap={q.data.caps.runsPerDay}
              remaining={q.data.remaining.runs}
              format={formatN}
            />
            <Gauge
              testId="usage-spend"
              label="Estimated spend"
              used={q.data.today.estimatedSpendUsd}
              cap={q.data.caps.spendUsdPerDay}
              remaining={q.data.remaining.spendUsd}
              format={usd}
            />
          </div>
          <p className="muted small">
            Skipped runs do not count. Caps reset at {formatDateTime(q.data.resetsAt)}.
          </p>
          <History usage={q.data} />
        </>
      )}
    </section>
  );
}
