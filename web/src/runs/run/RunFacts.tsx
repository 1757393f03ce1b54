import { SyntheticBadge } from '../../ui';
import { formatDateTime, formatMs, formatN } from '../../ui/format';
import type { Engine, Prompt, RunDetail } from '../api-types';
import { StatusBadge } from '../StatusBadge';

function Fact({ label, children, testId }: { label: string; children: React.ReactNode; testId?: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd data-testid={testId}>{children}</dd>
    </div>
  );
}

const usd = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 3,
});

/** Run metadata: engine, prompt, status, TTFT, duration, tokens, model, attempts. */
export function RunFacts({ run, engine, prompt }: { run: RunDetail; engine?: Engine; prompt?: Prompt }) {
  const r = run.result;
  return (
    <section className="rn-card" aria-labelledby="rn-facts-title">
      <h3 id="rn-facts-title">Run</h3>
      <dl className="rn-facts">
        <Fact label="Status">
          <StatusBadge status={run.status} />
          {run.synthetic && <SyntheticBadge />}
        </Fact>
        <Fact label="Engine">
          {engine ? `${engine.name}` : run.engineId.slice(0, 8)}
          {engine && <span className="muted"> · {engine.model}</span>}
        </Fact>
        <Fact label="Prompt">
          {prompt ? prompt.text : <span className="muted">{run.promptId.slice(0, 8)}</span>}
        </Fact>
        <Fact label="TTFT" testId="run-ttft">
          {formatMs(r?.timings.ttftMs)}
        </Fact>
        <Fact label="Total duration" testId="run-duration">
          {formatMs(r?.timings.durationMs)}
        </Fact>
        <Fact label="Answer">
          {r ? `${formatN(r.answerTokens)} tokens · ${formatN(r.chunks.length)} chunks` : '–'}
        </Fact>
        {r?.responseModel && <Fact label="Model">{r.responseModel}</Fact>}
        {r?.finishReason && <Fact label="Finish">{r.finishReason}</Fact>}
        {r && r.flags.length > 0 && <Fact label="Flags">{r.flags.join(', ')}</Fact>}
        {r?.estimatedCostUsd !== null && r?.estimatedCostUsd !== undefined && (
          <Fact label="Est. cost">{usd.format(r.estimatedCostUsd)}</Fact>
        )}
        <Fact label="Started">{formatDateTime(run.startedAt ?? run.createdAt)}</Fact>
        <Fact label="Trigger">
          {run.trigger === 'manual' ? 'Run now' : 'Schedule'} · sample {run.sample + 1}
        </Fact>
        {run.failureReason && (
          <Fact label="Failure">
            {run.failureReason}
            {run.failureMessage && <span className="muted"> · {run.failureMessage}</span>}
          </Fact>
        )}
        {run.skipReason && <Fact label="Skipped">{run.skipReason}</Fact>}
      </dl>
    </section>
  );
}
