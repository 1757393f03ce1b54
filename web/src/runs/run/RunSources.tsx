import { formatDateTime, formatMs } from '../../ui/format';
import type { RunAttempt, RunCitation } from '../api-types';
import type { BrandLookup } from '../player/text-renderer';

export function Citations({ citations, brand }: { citations: RunCitation[]; brand: BrandLookup }) {
  return (
    <section className="rn-card" aria-labelledby="rn-citations-title">
      <h3 id="rn-citations-title">Citations</h3>
      {citations.length === 0 ? (
        <p className="muted">The engine cited no sources.</p>
      ) : (
        <ol className="rn-citations" data-testid="run-citations">
          {citations.map((c) => (
            <li key={`${c.position}-${c.url}`}>
              <a href={c.url} target="_blank" rel="noopener noreferrer">
                {c.title ?? c.domain}
              </a>
              <span className="muted">
                {' '}
                {c.domain} · {formatMs(c.arrivedAtMs)}
              </span>
              {c.brandId && (
                <span className="rn-tag" style={{ ['--brand' as string]: brand(c.brandId).color }}>
                  {brand(c.brandId).name}
                </span>
              )}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

export function Reasoning({ text }: { text: string | null | undefined }) {
  if (!text) return null;
  return (
    <section className="rn-card">
      <details className="rn-reasoning">
        <summary>
          <span className="rn-summary-title">Reasoning</span>{' '}
          <span className="muted">({text.length.toLocaleString('en-US')} characters)</span>
        </summary>
        <pre>{text}</pre>
      </details>
    </section>
  );
}

export function AttemptLog({ attempts }: { attempts: RunAttempt[] }) {
  if (attempts.length === 0) return null;
  return (
    <section className="rn-card" aria-labelledby="rn-attempts-title">
      <h3 id="rn-attempts-title">Attempts</h3>
      <ol className="rn-attempts" data-testid="run-attempts">
        {attempts.map((a) => (
          <li key={a.attempt}>
            <strong>#{a.attempt}</strong> {a.outcome ?? 'in progress'}
            {a.reasonCode && <span className="rn-code"> {a.reasonCode}</span>}
            {a.httpStatus !== null && <span className="muted"> HTTP {a.httpStatus}</span>}
            <div className="muted">
              {formatDateTime(a.startedAt)}
              {a.finishedAt && ` · ${formatMs(Date.parse(a.finishedAt) - Date.parse(a.startedAt))}`}
              {a.retryAfterMs !== null && ` · retry after ${formatMs(a.retryAfterMs)}`}
            </div>
            {a.message && <div className="rn-attempt-msg">{a.message}</div>}
          </li>
        ))}
      </ol>
    </section>
  );
}
