// The prompt x engine table. Every figure links to the runs behind it on the Runs screen (the prompt and the
// engine, over the period shown; the competitor's cell also narrowed to the runs naming that competitor).
import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { DataKind } from '../filters/search';
import type { ReportState } from '../screens/shared/report-state';
import { DataTable, formatInterval, formatN, formatPercent, formatScore, type Column } from '../ui';
import type { PromptRow } from './prompt-matrix';

interface Props {
  state: ReportState;
  kind: DataKind;
  rows: PromptRow[];
  ownName: string | undefined;
  /** the head-to-head breakdown: loading, failed or here */
  headToHead: 'pending' | 'error' | 'ready';
}

function short(text: string): string {
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}

export function PromptsTable({ state, kind, rows, ownName, headToHead }: Props) {
  const runs = (r: PromptRow, extra: Record<string, string> = {}) => ({
    promptId: r.prompt.id,
    engineId: r.engineId,
    from: state.range.fromDay,
    to: state.range.toDay,
    ...extra,
  });
  const toRuns = (r: PromptRow, label: string, body: ReactNode, extra?: Record<string, string>) => (
    <Link
      to="/p/$projectId/runs"
      params={{ projectId: state.projectId }}
      search={runs(r, extra)}
      className="cell-link"
    >
      <span className="visually-hidden">
        {label}, {short(r.prompt.text)} on {r.engineName}:{' '}
      </span>
      {body}
    </Link>
  );
  const own = ownName ?? 'Own brand';

  const columns: Array<Column<PromptRow>> = [
    {
      key: 'prompt',
      header: 'Prompt',
      cell: (r) =>
        r.first ? (
          <div className="prompt-cell">
            <Link
              to="/p/$projectId/prompts/$promptId"
              params={{ projectId: state.projectId, promptId: r.prompt.id }}
            >
              {short(r.prompt.text)}
            </Link>
            <span className="prompt-meta">
              {!r.prompt.active && <span className="badge badge-paused">Paused</span>}
              {r.prompt.tags.map((t) => (
                <span key={t} className="badge">
                  {t}
                </span>
              ))}
            </span>
          </div>
        ) : (
          <span className="muted prompt-repeat">
            <span aria-hidden="true">″</span>
            <span className="visually-hidden">{short(r.prompt.text)}</span>
          </span>
        ),
      csv: (r) => r.prompt.text,
    },
    {
      key: 'engine',
      header: 'Engine',
      cell: (r) => r.engineName,
      csv: (r) => r.engineName,
      value: (r) => r.engineId,
    },
    {
      key: 'rate',
      header: `${own} mention rate`,
      numeric: true,
      value: (r) => r.own?.rate ?? null,
      csv: (r) => r.own?.rate ?? null,
      cell: (r) =>
        r.n === 0 || !r.own
          ? toRuns(r, 'Runs', <span className="muted">no {kind} runs</span>)
          : toRuns(
              r,
              `${own} mention rate`,
              <>
                <strong>{formatPercent(r.own.rate)}</strong>
                <small>
                  {formatInterval(r.own.low, r.own.high)} · n = {formatN(r.own.n)}
                </small>
              </>,
            ),
    },
    {
      key: 'stream',
      header: 'Stream score',
      numeric: true,
      value: (r) => r.streamScore,
      csv: (r) => r.streamScore,
      cell: (r) => (r.n === 0 ? '–' : toRuns(r, 'Stream score', formatScore(r.streamScore))),
    },
    {
      key: 'rival',
      header: `Beats ${own} most`,
      value: (r) => r.rival?.beats ?? null,
      csv: (r) => r.rival?.name ?? null,
      cell: (r) => {
        if (r.n === 0) return '–';
        if (headToHead === 'pending') return <span className="muted">…</span>;
        if (headToHead === 'error') return <span className="muted">not available</span>;
        if (!r.rival) return <span className="muted">no competitor ahead</span>;
        return toRuns(
          r,
          'Competitor ahead most often',
          <>
            <strong>{r.rival.name}</strong>
            <small>
              {formatN(r.rival.beats)} of {formatN(r.rival.of)} runs
            </small>
          </>,
          { brandId: r.rival.brandId, mentioned: 'true' },
        );
      },
    },
  ];

  return (
    <DataTable
      caption={`Prompts by engine, ${state.range.fromDay} to ${state.range.toDay} (${kind})`}
      columns={columns}
      rows={rows}
      rowKey={(r) => r.key}
      csvFilename="prompts.csv"
      testId="prompts-table"
      className="prompts-table"
    />
  );
}
