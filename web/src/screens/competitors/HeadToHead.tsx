import { Link } from '@tanstack/react-router';
import { reportCsv } from '../../api/report-csv';
import type { HeadToHeadPair, MentionsBrand } from '../../api/types';
import type { DataKind } from '../../filters/search';
import { DataTable, formatMs, formatN, formatPercent, formatRate, type Column } from '../../ui';
import { colorOf, type BrandInfo } from '../shared/brand-colors';
import { runsSearchFor } from '../shared/drill';
import type { ReportState } from '../shared/report-state';

interface Props {
  state: ReportState;
  kind: DataKind;
  pairs: HeadToHeadPair[];
  brands: MentionsBrand[];
  colors: Map<string, BrandInfo>;
}

/** Median lead of A over B: "ahead 460 ms · 16 tok" or "behind 460 ms · 16 tok". */
function lead(p: HeadToHeadPair): string {
  if (p.medianLeadMs === null) return 'no median lead';
  const word = p.medianLeadMs >= 0 ? 'ahead' : 'behind';
  const tokens = p.medianLeadTokens === null ? '' : ` · ${formatN(Math.abs(p.medianLeadTokens))} tok`;
  return `${word} ${formatMs(Math.abs(p.medianLeadMs))}${tokens}`;
}

/** Who arrives first: row brand A against column brand B, over the answers naming both. */
export function HeadToHead({ state, kind, pairs, brands, colors }: Props) {
  const byPair = new Map(pairs.map((p) => [`${p.brandA.id}|${p.brandB.id}`, p]));
  const order = [...brands].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'own' ? -1 : 1));
  const name = (b: MentionsBrand) => b.name ?? 'Deleted brand';

  const columns: Array<Column<MentionsBrand>> = [
    {
      key: 'brand',
      header: 'Brand A ↓ vs B →',
      cell: (a) => (
        <>
          <span className="swatch" style={{ background: colorOf(colors, a.brandId) }} aria-hidden="true" />
          {name(a)}
        </>
      ),
      csv: (a) => name(a),
    },
    ...order.map((b): Column<MentionsBrand> => ({
      key: b.brandId,
      header: name(b),
      csv: (a) => byPair.get(`${a.brandId}|${b.brandId}`)?.aFirstRate.rate ?? null,
      value: (a) => byPair.get(`${a.brandId}|${b.brandId}`)?.aFirstRate.rate ?? null,
      cell: (a) => {
        if (a.brandId === b.brandId) return <span className="muted">–</span>;
        const p = byPair.get(`${a.brandId}|${b.brandId}`);
        if (!p || p.aFirstRate.n === 0) return <span className="muted">n = 0</span>;
        const r = p.aFirstRate;
        const tint = r.rate === null ? 0 : Math.abs(r.rate - 0.5) * 0.5;
        const bg = r.rate !== null && r.rate >= 0.5 ? `rgb(15 123 79 / ${tint})` : `rgb(180 35 24 / ${tint})`;
        return (
          <Link
            to="/p/$projectId/runs"
            params={{ projectId: state.projectId }}
            search={runsSearchFor(
              state.query,
              kind,
              { brandId: a.brandId, mentioned: true, alsoMentionedBrandId: b.brandId },
              p,
            )}
            style={{ background: bg }}
            title={`${name(a)} first in ${formatRate(r.rate, r.low, r.high)} of the answers naming both`}
          >
            <span className="visually-hidden">
              {name(a)} before {name(b)}:{' '}
            </span>
            <strong>{formatPercent(r.rate)}</strong>
            <small>n = {formatN(r.n)}</small>
            <small>{lead(p)}</small>
          </Link>
        );
      },
    })),
  ];

  return (
    <section className="panel" aria-labelledby="h2h-title">
      <div className="panel-head">
        <div>
          <h2 id="h2h-title">Head to head: who arrives first</h2>
          <p className="muted">
            Share of the answers naming both in which the row brand reached the reader first, with the median
            lead in time and tokens. Click a cell to see those answers.
          </p>
        </div>
      </div>
      <DataTable
        caption="Head-to-head matrix"
        captionHidden
        className="matrix"
        columns={columns}
        rows={order}
        rowKey={(r) => r.brandId}
        highlight={(r) => r.kind === 'own'}
        csvFilename={`head-to-head-${state.projectId}.csv`}
        apiCsv={() => reportCsv.headToHead(state.query)}
        testId="head-to-head"
        cellClassName={(key) => (key === 'brand' ? undefined : 'matrix-cell')}
      />
    </section>
  );
}
