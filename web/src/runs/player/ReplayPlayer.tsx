import { useEffect, useState } from 'react';
import { formatMs } from '../../ui/format';
import type { Speed } from '../replay/clock';
import type { Timeline } from '../replay/timeline';
import { BrandLegend } from './BrandLegend';
import { ReplayControls } from './ReplayControls';
import type { BrandLookup } from './text-renderer';
import { TimelineStrip } from './TimelineStrip';
import { useReplay } from './use-replay';

function prefersReducedMotion(): boolean {
  return (
    typeof window.matchMedia === 'function' && window.matchMedia('(prefers-reduced-motion: reduce)').matches
  );
}

/**
 * The stream replay: the answer re-typed at its recorded chunk arrival times, each mention lit (brand colour)
 * from the moment it reached the reader, the fold drawn in the text, and the token timeline under it.
 * Plays on arrival at 1× (starts at the end instead when the reader prefers reduced motion).
 */
export function ReplayPlayer({ runId, tl, brand }: { runId: string; tl: Timeline; brand: BrandLookup }) {
  const [initialSpeed] = useState<Speed>(1);
  const engine = useReplay(runId, tl, brand, initialSpeed);
  const { clock } = engine;

  // A new timeline (a new clock) starts playing; a seek while paused redraws through the clock's listener.
  useEffect(() => {
    if (prefersReducedMotion()) clock.seek(tl.durationMs);
    else clock.play();
  }, [clock, tl]);

  return (
    <section className="rn-player" aria-labelledby="rn-player-title">
      <div className="rn-player-head">
        <h2 id="rn-player-title">Stream replay</h2>
        <BrandLegend tl={tl} brand={brand} />
      </div>
      <ReplayControls engine={engine} totalTokens={tl.tokenArrivals.length} />
      <div className="rn-answer-wrap">
        <p className="rn-waiting-note muted" aria-hidden="true">
          Waiting for the first token… (TTFT {formatMs(tl.ttftMs)})
        </p>
        <div className="rn-answer-scroll" tabIndex={0} role="region" aria-label="Answer text, as streamed">
          <div ref={engine.textRef} className="rn-answer" data-testid="replay-text" />
        </div>
      </div>
      <p ref={engine.announceRef} className="visually-hidden" aria-live="polite" />
      {tl.tokenArrivals.length > 0 && <TimelineStrip tl={tl} brand={brand} engine={engine} />}
    </section>
  );
}
