// The 30-day preview beside the rule form: the draft (debounced) sent to POST .../alert-rules/preview, which
// replays the project's last 30 days of runs through the live evaluation; each firing as a row of a small
// timeline with its figures and the run behind it.
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { alertRulesControllerPreview } from '../../api/client';
import { describeError } from '../../api/errors';
import { formatDateTime, SyntheticBadge } from '../../ui';
import { describeFigures, TRANSITION_LABEL } from './alert-labels';
import type { AlertPreview, AlertRuleBody } from './rule-draft';

const DEBOUNCE_MS = 500;

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return current;
}

function Timeline({ preview }: { preview: AlertPreview }) {
  const from = Date.parse(preview.from);
  const span = Math.max(1, Date.parse(preview.to) - from);
  return (
    <div className="preview-timeline" aria-hidden="true">
      {preview.firings.map((f) => (
        <span
          key={f.runId}
          className="preview-tick"
          style={{ left: `${((Date.parse(f.at) - from) / span) * 100}%` }}
          title={formatDateTime(f.at)}
        />
      ))}
    </div>
  );
}

export function AlertPreviewPanel({ projectId, body }: { projectId: string; body: AlertRuleBody }) {
  const debounced = useDebounced(JSON.stringify(body), DEBOUNCE_MS);
  const preview = useQuery({
    queryKey: ['alert-preview', projectId, debounced],
    queryFn: async ({ signal }) =>
      (
        await alertRulesControllerPreview({
          path: { projectId },
          body: JSON.parse(debounced) as AlertRuleBody,
          signal,
          throwOnError: true,
        })
      ).data,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 60_000,
  });
  const p = preview.data;
  const stale = preview.isFetching || debounced !== JSON.stringify(body);
  return (
    <section className="panel rule-preview" aria-labelledby="preview-title" aria-busy={stale}>
      <div className="panel-head">
        <div>
          <h3 id="preview-title">Last 30 days</h3>
          <p className="muted">
            Where this rule would have fired on the runs stored, as the live alerting decides.
          </p>
        </div>
      </div>
      {preview.error ? (
        <p className="notice notice-info" data-testid="preview-error">
          No preview: {describeError(preview.error).detail}
        </p>
      ) : !p ? (
        <p className="muted">Computing the preview…</p>
      ) : (
        <div
          data-testid="rule-preview"
          data-firings={p.firings.length}
          className={stale ? 'is-stale' : undefined}
        >
          <p data-testid="preview-summary">
            {p.firings.length === 0
              ? 'It would not have fired'
              : `It would have fired ${p.firings.length} ${p.firings.length === 1 ? 'time' : 'times'}`}{' '}
            over {p.landings} {p.landings === 1 ? 'run' : 'runs'} ({p.decided} with enough runs to decide)
            {p.truncated ? ', the newest ones only' : ''}.
          </p>
          <Timeline preview={p} />
          {p.firings.length > 0 && (
            <ol className="preview-list" aria-label="Firings">
              {p.firings.map((f) => (
                <li key={f.runId} data-testid="preview-firing" data-run={f.runId}>
                  <strong>{formatDateTime(f.at)}</strong> · {TRANSITION_LABEL[f.transition]}
                  {f.synthetic && <SyntheticBadge />}
                  <br />
                  <span className="muted">{describeFigures(f.figures, 8)}</span>{' '}
                  <Link to="/p/$projectId/runs/$runId" params={{ projectId, runId: f.runId }}>
                    Open run
                  </Link>
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
    </section>
  );
}
