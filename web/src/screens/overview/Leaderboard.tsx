import { Link } from '@tanstack/react-router';
import { reportCsv } from '../../api/report-csv';
import type { MentionsBrand } from '../../api/types';
import type { DataKind } from '../../filters/search';
import { DataTable, formatMs, formatN, formatPercent, formatRate, formatScore, type Column } from '../../ui';
import { colorOf, type BrandInfo } from '../shared/brand-colors';
import { runsSearchFor } from '../shared/drill';
import type { ReportState } from '../shared/report-state';
import { Whisker } from '../shared/Whisker';

interface Props {
  state: ReportState;
  kind: DataKind;
  brands: MentionsBrand[];
  colors: Map<string, BrandInfo>;
}

/** Brands by mention rate, each with its interval whisker, n and the other headline figures. */
export function Leaderboard({ state, kind, brands, colors }: Props) {
  const rows = [...brands].sort((a, b) => (b.mentionRate.rate ?? -1) - (a.mentionRate.rate ?? -1));
  const link = (r: MentionsBrand, text: string, fold?: 'above') => (
    <Link
      to="/p/$projectId/runs"
      params={{ projectId: state.projectId }}
      search={runsSearchFor(
        state.query,
        kind,
        { brandId: r.brandId, mentioned: true, ...(fold ? { fold } : {}) },
        r,
      )}
    >
      {text}
    </Link>
  );
  const columns: Array<Column<MentionsBrand>> = [
    {
      key: 'brand',
      header: 'Brand',
      cell: (r) => (
        <>
          <span className="swatch" style={{ background: colorOf(colors, r.brandId) }} aria-hidden="true" />
          {r.name ?? 'Deleted brand'}
          {r.kind === 'own' && <span className="visually-hidden"> (your brand)</span>}
        </>
      ),
      csv: (r) => r.name,
    },
    {
      key: 'whisker',
      header: 'Mention rate, 95% interval',
      cell: (r) => <Whisker value={r.mentionRate} color={colorOf(colors, r.brandId)} />,
    },
    {
      key: 'mentionRate',
      header: 'Mention rate',
      numeric: true,
      cell: (r) => link(r, formatRate(r.mentionRate.rate, r.mentionRate.low, r.mentionRate.high)),
      value: (r) => r.mentionRate.rate,
      csv: (r) => r.mentionRate.rate,
    },
    { key: 'n', header: 'n', numeric: true, cell: (r) => formatN(r.n), value: (r) => r.n, csv: (r) => r.n },
    {
      key: 'svs',
      header: 'Stream score',
      numeric: true,
      cell: (r) => formatScore(r.meanStreamScore),
      value: (r) => r.meanStreamScore,
      csv: (r) => r.meanStreamScore,
    },
    {
      key: 'sov',
      header: 'Share of voice',
      numeric: true,
      cell: (r) => formatPercent(r.shareOfVoice),
      value: (r) => r.shareOfVoice,
      csv: (r) => r.shareOfVoice,
    },
    {
      key: 'fold',
      header: 'Above the fold',
      numeric: true,
      cell: (r) =>
        link(r, formatRate(r.aboveFoldRate.rate, r.aboveFoldRate.low, r.aboveFoldRate.high), 'above'),
      value: (r) => r.aboveFoldRate.rate,
      csv: (r) => r.aboveFoldRate.rate,
    },
    {
      key: 'ttfm',
      header: 'Median time to mention',
      numeric: true,
      cell: (r) => formatMs(r.timeToFirstMentionMs.p50),
      value: (r) => r.timeToFirstMentionMs.p50,
      csv: (r) => r.timeToFirstMentionMs.p50,
    },
  ];
  return (
    <section className="panel" aria-labelledby="leaderboard-title">
      <div className="panel-head">
        <div>
          <h2 id="leaderboard-title">Brand leaderboard</h2>
          <p className="muted">
            Sorted by mention rate; the bar is the 95% interval. Click a rate to see its runs.
          </p>
        </div>
      </div>
      <DataTable
        caption="Brand leaderboard"
        captionHidden
        columns={columns}
        rows={rows}
        rowKey={(r) => r.brandId}
        highlight={(r) => r.kind === 'own'}
        csvFilename={`mentions-${state.projectId}.csv`}
        apiCsv={() => reportCsv.mentions(state.query)}
        testId="leaderboard"
      />
    </section>
  );
}
