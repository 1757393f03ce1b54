import { Link } from '@tanstack/react-router';
import type { CitationsBrand } from '../../api/types';
import type { DataKind } from '../../filters/search';
import { DataTable, formatN, formatRate, type Column } from '../../ui';
import { colorOf, type BrandInfo } from '../shared/brand-colors';
import { runsSearchFor } from '../shared/drill';
import type { ReportState } from '../shared/report-state';
import { Whisker } from '../shared/Whisker';

interface Props {
  state: ReportState;
  kind: DataKind;
  rows: CitationsBrand[];
  colors: Map<string, BrandInfo>;
  nearChars: number;
}

/** Per brand: how often answers cite its own domains, and cite a source next to a mention of it. */
export function BrandCitations({ state, kind, rows, colors, nearChars }: Props) {
  const sorted = [...rows].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'own' ? -1 : 1));
  const columns: Array<Column<CitationsBrand>> = [
    {
      key: 'brand',
      header: 'Brand',
      cell: (r) => (
        <>
          <span className="swatch" style={{ background: colorOf(colors, r.brandId) }} aria-hidden="true" />
          {r.name ?? 'Deleted brand'}
        </>
      ),
      csv: (r) => r.name,
    },
    {
      key: 'ownWhisker',
      header: 'Own-domain citation rate, 95% interval',
      cell: (r) => <Whisker value={r.ownDomainCitationRate} color={colorOf(colors, r.brandId)} />,
    },
    {
      key: 'own',
      header: 'Own-domain citation rate',
      numeric: true,
      value: (r) => r.ownDomainCitationRate.rate,
      csv: (r) => r.ownDomainCitationRate.rate,
      cell: (r) => {
        const x = r.ownDomainCitationRate;
        return `${formatRate(x.rate, x.low, x.high)} · n = ${formatN(x.n)}`;
      },
    },
    {
      key: 'near',
      header: `Cited within ${nearChars} chars of a mention`,
      numeric: true,
      value: (r) => r.citedNearMentionRate.rate,
      csv: (r) => r.citedNearMentionRate.rate,
      cell: (r) => {
        const x = r.citedNearMentionRate;
        return (
          <Link
            to="/p/$projectId/runs"
            params={{ projectId: state.projectId }}
            search={runsSearchFor(state.query, kind, { brandId: r.brandId, mentioned: true }, r)}
          >
            {formatRate(x.rate, x.low, x.high)} · n = {formatN(x.n)}
          </Link>
        );
      },
    },
  ];
  return (
    <section className="panel" aria-labelledby="brand-cit-title">
      <div className="panel-head">
        <div>
          <h2 id="brand-cit-title">Citations by brand</h2>
          <p className="muted">
            Own-domain citation rate: answers citing one of the brand’s domains (n = all answers). Next to a
            mention: answers citing a source within {nearChars} characters of a mention of the brand (n =
            answers mentioning it).
          </p>
        </div>
      </div>
      <DataTable
        caption="Citations by brand"
        captionHidden
        columns={columns}
        rows={sorted}
        rowKey={(r) => r.brandId}
        highlight={(r) => r.kind === 'own'}
        csvFilename={`citations-by-brand-${state.projectId}.csv`}
        testId="brand-citations"
      />
    </section>
  );
}
