import { Link } from '@tanstack/react-router';
import type { ReactNode } from 'react';
import type { MentionsBrand } from '../../api/types';
import type { ReportQuery } from '../../filters/range';
import type { DataKind } from '../../filters/search';
import { formatInterval, formatMs, formatN, formatPercent, formatScore, formatSigned } from '../../ui';
import { runsSearchFor, type DrillConditions } from '../shared/drill';

interface TileProps {
  id: string;
  label: string;
  value: string;
  raw: number | null;
  sub: ReactNode;
  change: number | null;
  changeUnit: string;
  /** lower is better (time to first mention) */
  invert?: boolean;
  drill: DrillConditions;
  row: MentionsBrand;
  ctx: { projectId: string; query: ReportQuery; kind: DataKind };
}

function Change({ value, unit, invert }: { value: number | null; unit: string; invert?: boolean }) {
  if (value === null) return <span className="tile-sub">No previous period to compare</span>;
  const good = invert ? value < 0 : value > 0;
  const cls = value === 0 ? '' : good ? 'delta-up' : 'delta-down';
  return (
    <span className={`tile-sub ${cls}`}>
      {unit === 'ms'
        ? `${value > 0 ? '+' : value < 0 ? '−' : '±'}${formatMs(Math.abs(value))}`
        : `${formatSigned(value)} ${unit}`}{' '}
      <span className="muted">vs previous period</span>
    </span>
  );
}

function Tile(p: TileProps) {
  return (
    <div className="tile" data-testid={`tile-${p.id}`} data-value={p.raw ?? ''}>
      <span className="tile-label">{p.label}</span>
      <span className="tile-value">
        <Link
          to="/p/$projectId/runs"
          params={{ projectId: p.ctx.projectId }}
          search={runsSearchFor(p.ctx.query, p.ctx.kind, p.drill, p.row)}
          aria-label={`${p.label}: ${p.value}. Show the runs behind it`}
        >
          {p.value}
        </Link>
      </span>
      <span className="tile-sub">{p.sub}</span>
      <Change value={p.change} unit={p.changeUnit} invert={p.invert} />
    </div>
  );
}

/** The own brand's headline figures, each with its n and its change against the previous period. */
export function Tiles({ brand, ctx }: { brand: MentionsBrand; ctx: TileProps['ctx'] }) {
  const m = brand.mentionRate;
  const f = brand.aboveFoldRate;
  const id = brand.brandId;
  return (
    <section className="tiles" aria-label={`${brand.name ?? 'Own brand'}: headline figures`}>
      <Tile
        id="mention-rate"
        label="Mention rate"
        value={formatPercent(m.rate)}
        raw={m.rate}
        sub={`95% CI ${formatInterval(m.low, m.high)} · n = ${formatN(brand.n)}`}
        change={brand.change.mentionRatePoints}
        changeUnit="pts"
        drill={{ brandId: id, mentioned: true }}
        ctx={ctx}
        row={brand}
      />
      <Tile
        id="stream-score"
        label="Stream Visibility Score"
        value={formatScore(brand.meanStreamScore)}
        raw={brand.meanStreamScore}
        sub={`out of 100 · n = ${formatN(brand.n)}`}
        change={brand.change.meanStreamScore}
        changeUnit="pts"
        drill={{ brandId: id }}
        ctx={ctx}
        row={brand}
      />
      <Tile
        id="share-of-voice"
        label="Share of voice"
        value={formatPercent(brand.shareOfVoice)}
        raw={brand.shareOfVoice}
        sub={`of all brand mentions · ${formatN(brand.mentionCount)} mentions`}
        change={brand.change.shareOfVoicePoints}
        changeUnit="pts"
        drill={{ brandId: id, mentioned: true }}
        ctx={ctx}
        row={brand}
      />
      <Tile
        id="above-fold-rate"
        label="Above the fold"
        value={formatPercent(f.rate)}
        raw={f.rate}
        sub={`95% CI ${formatInterval(f.low, f.high)} · n = ${formatN(f.n)}`}
        change={brand.change.aboveFoldRatePoints}
        changeUnit="pts"
        drill={{ brandId: id, fold: 'above' }}
        ctx={ctx}
        row={brand}
      />
      <Tile
        id="time-to-first-mention"
        label="Median time to first mention"
        value={formatMs(brand.timeToFirstMentionMs.p50)}
        raw={brand.timeToFirstMentionMs.p50}
        sub={`after the first token · n = ${formatN(brand.mentionedRuns)}`}
        change={brand.change.timeToFirstMentionP50Ms}
        changeUnit="ms"
        invert
        drill={{ brandId: id, mentioned: true }}
        ctx={ctx}
        row={brand}
      />
    </section>
  );
}
