import { useEffect, useMemo, useRef } from 'react';
import { formatMs, formatN } from '../../ui/format';
import { cumulativeTokens, stepPath, xOf, yOf, type CurveScale } from '../replay/token-curve';
import { firstVisibleByBrand, type Timeline } from '../replay/timeline';
import type { BrandLookup } from './text-renderer';
import { seekTo, type ReplayEngine } from './use-replay';

const W = 1000;
const H = 64;

/** Tokens over recorded time (a step curve), each brand's first arrival, TTFT, the fold and the playhead. */
export function TimelineStrip({
  tl,
  brand,
  engine,
}: {
  tl: Timeline;
  brand: BrandLookup;
  engine: ReplayEngine;
}) {
  const playhead = useRef<SVGLineElement>(null);
  const total = tl.tokenArrivals.length;
  const scale = useMemo<CurveScale>(
    () => ({ width: W, height: H, durationMs: tl.durationMs, maxTokens: Math.max(total, 1) }),
    [tl, total],
  );
  const path = useMemo(() => stepPath(cumulativeTokens(tl.tokenArrivals), scale), [tl, scale]);
  const firsts = firstVisibleByBrand(tl);

  useEffect(
    () =>
      engine.onFrame(({ sample }) => {
        const x = String(xOf(scale, sample.recordedMs));
        const line = playhead.current;
        if (line && line.getAttribute('x1') !== x) {
          line.setAttribute('x1', x);
          line.setAttribute('x2', x);
        }
      }),
    [engine, scale],
  );

  const foldY = tl.foldTokens !== null && tl.foldTokens < total ? yOf(scale, tl.foldTokens) : null;
  const summary =
    `${formatN(total)} tokens over ${formatMs(tl.durationMs)}; first token at ${formatMs(tl.ttftMs)}. ` +
    firsts.map((f) => `${brand(f.brandId).name} first visible at ${formatMs(f.visibleAtMs)}`).join('; ');

  return (
    <figure className="rn-strip" data-testid="replay-timeline">
      <figcaption className="rn-strip-caption">
        Tokens over time <span className="muted">· click to jump</span>
      </figcaption>
      <div className="rn-strip-plot">
        <svg
          viewBox={`0 0 ${W} ${H}`}
          preserveAspectRatio="none"
          role="img"
          aria-label={summary}
          onClick={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            if (r.width > 0) seekTo(engine, ((e.clientX - r.left) / r.width) * tl.durationMs);
          }}
        >
          <path d={`${path}V${H}H0Z`} className="rn-strip-area" />
          <path d={path} className="rn-strip-line" vectorEffect="non-scaling-stroke" />
          {foldY !== null && (
            <line
              x1={0}
              x2={W}
              y1={foldY}
              y2={foldY}
              className="rn-strip-fold"
              vectorEffect="non-scaling-stroke"
            />
          )}
          {tl.ttftMs !== null && (
            <line
              x1={xOf(scale, tl.ttftMs)}
              x2={xOf(scale, tl.ttftMs)}
              y1={0}
              y2={H}
              className="rn-strip-ttft"
              vectorEffect="non-scaling-stroke"
            />
          )}
          {firsts.map((f) => (
            <line
              key={f.brandId}
              x1={xOf(scale, f.visibleAtMs)}
              x2={xOf(scale, f.visibleAtMs)}
              y1={0}
              y2={H}
              stroke={brand(f.brandId).color}
              strokeWidth={2}
              vectorEffect="non-scaling-stroke"
              data-brand-marker={f.brandId}
              data-visible-at-ms={f.visibleAtMs}
            />
          ))}
          <line
            ref={playhead}
            x1={0}
            x2={0}
            y1={0}
            y2={H}
            className="rn-strip-playhead"
            vectorEffect="non-scaling-stroke"
          />
        </svg>
        <div className="rn-strip-labels" aria-hidden="true">
          {firsts.map((f, i) => (
            <span
              key={f.brandId}
              className={i % 2 === 0 ? 'rn-strip-label' : 'rn-strip-label rn-strip-label-alt'}
              style={{
                left: `${(xOf(scale, f.visibleAtMs) / W) * 100}%`,
                borderColor: brand(f.brandId).color,
              }}
              title={`${brand(f.brandId).name}: first visible at ${formatMs(f.visibleAtMs)}`}
            >
              {brand(f.brandId).name}
            </span>
          ))}
        </div>
      </div>
      <div className="rn-strip-axis muted" aria-hidden="true">
        <span>0</span>
        {tl.ttftMs !== null && <span>TTFT {formatMs(tl.ttftMs)}</span>}
        {foldY !== null && <span>fold at {formatN(tl.foldTokens)} tokens</span>}
        <span>{formatMs(tl.durationMs)}</span>
      </div>
    </figure>
  );
}
