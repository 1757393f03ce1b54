import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useMemo } from 'react';
import { isNotFound } from '../../api/errors';
import { brandsQuery, enginesQuery, projectQuery, promptsQuery } from '../../api/queries';
import { ErrorState, Loading } from '../../ui';
import { brandLooks, lookupFrom } from '../brand-colors';
import { LivePlayer } from '../player/LivePlayer';
import { ReplayPlayer } from '../player/ReplayPlayer';
import { useLiveRun } from '../player/use-live-run';
import { runQuery, runTokensQuery } from '../queries';
import { timelineOfRun } from '../run-timeline';
import { StatusBadge } from '../StatusBadge';
import { BrandScores } from './BrandScores';
import { RunFacts } from './RunFacts';
import { RunNotFound } from './RunNotFound';
import { AttemptLog, Citations, Reasoning } from './RunSources';
import '../runs.css';

export interface RunPageProps {
  projectId: string;
  runId: string;
}

const IN_PROGRESS = new Set(['queued', 'running']);

/** One run: the stream replay (or the live stream while it runs) with its facts, brands, sources and attempts. */
export function RunPage({ projectId, runId }: RunPageProps) {
  const queryClient = useQueryClient();
  const run = useQuery(runQuery(runId));
  const inProgress = run.data ? IN_PROGRESS.has(run.data.status) : false;
  const hasResult = Boolean(run.data?.result);
  const tokens = useQuery({ ...runTokensQuery(runId), enabled: hasResult && !inProgress });
  const project = useQuery(projectQuery(projectId));
  const brands = useQuery(brandsQuery(projectId));
  const engines = useQuery(enginesQuery());
  const prompts = useQuery(promptsQuery(projectId));

  const onLiveDone = useCallback(() => {
    void queryClient.invalidateQueries({ queryKey: ['run', runId] });
  }, [queryClient, runId]);
  const { live, connection } = useLiveRun(runId, inProgress, onLiveDone);
  // The stream could not be followed (or ended without the final detail yet): poll until the run is terminal.
  const polling = inProgress && (connection === 'failed' || connection === 'closed');
  useQuery({ ...runQuery(runId), refetchInterval: polling ? 2000 : false, enabled: polling });

  const brandList = brands.data?.data;
  const brand = useMemo(() => lookupFrom(brandLooks(brandList ?? [])), [brandList]);
  const foldTokens = project.data?.foldTokens ?? null;
  const tl = useMemo(
    () => (run.data && !inProgress ? timelineOfRun(run.data, tokens.data?.data, foldTokens) : null),
    [run.data, inProgress, tokens.data, foldTokens],
  );

  if (run.error) {
    if (isNotFound(run.error)) return <RunNotFound projectId={projectId} />;
    return <ErrorState error={run.error} onRetry={() => void run.refetch()} />;
  }
  if (!run.data) return <Loading label="Loading the run…" />;
  const r = run.data;
  if (r.projectId !== projectId) return <RunNotFound projectId={projectId} />;
  const engine = engines.data?.data.find((e) => e.id === r.engineId);
  const prompt = prompts.data?.data.find((p) => p.id === r.promptId);
  const waitingForTokens = hasResult && !inProgress && tokens.isPending;

  return (
    <div className="rn-run" data-testid="run-page" data-run-status={r.status}>
      <nav className="rn-crumbs" aria-label="Breadcrumb">
        <a href={`/p/${projectId}/runs`}>Runs</a> <span aria-hidden="true">›</span>{' '}
        <span aria-current="page">Run {r.id.slice(0, 8)}</span>
      </nav>
      <header className="rn-run-head">
        <h2 className="rn-run-title">{prompt?.text ?? 'Run'}</h2>
        <p className="muted">
          <StatusBadge status={r.status} /> {engine?.name ?? ''}
        </p>
      </header>
      <div className="rn-run-grid">
        <div className="rn-run-main">
          {inProgress ? (
            <LivePlayer runId={runId} live={live} connection={connection} brand={brand} />
          ) : waitingForTokens || (brands.isPending && !brands.error) ? (
            <Loading label="Loading the stream…" />
          ) : tl ? (
            <ReplayPlayer runId={runId} tl={tl} brand={brand} />
          ) : (
            <section className="rn-player rn-no-answer">
              <h2>No answer to replay</h2>
              <p className="muted">
                {r.status === 'failed'
                  ? `The run failed${r.failureReason ? ` (${r.failureReason})` : ''}: no answer was recorded.`
                  : r.status === 'skipped'
                    ? `The run was skipped${r.skipReason ? ` (${r.skipReason})` : ''}.`
                    : 'The engine returned no text.'}
              </p>
            </section>
          )}
          {tokens.error && <ErrorState error={tokens.error} onRetry={() => void tokens.refetch()} />}
        </div>
        <aside className="rn-run-side" aria-label="Run details">
          <RunFacts run={r} engine={engine} prompt={prompt} />
          <BrandScores scores={r.scores} brand={brand} />
          <Citations citations={r.citations} brand={brand} />
          <Reasoning text={r.result?.reasoningText} />
          <AttemptLog attempts={r.attemptLog} />
        </aside>
      </div>
    </div>
  );
}
