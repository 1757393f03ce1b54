import { useEffect, useMemo, useRef } from 'react';
import { formatMs, formatN } from '../../ui/format';
import type { LiveState } from '../replay/live';
import { buildTimeline, litCountAt } from '../replay/timeline';
import { BrandLegend } from './BrandLegend';
import { installHook, type ReplayHookState } from './test-hook';
import { TextRenderer, type BrandLookup } from './text-renderer';
import type { LiveConnection } from './use-live-run';

const CONNECTION_LABEL: Record<LiveConnection, string> = {
  connecting: 'Connecting…',
  open: 'Live',
  reconnecting: 'Reconnecting…',
  closed: 'Finished',
  failed: 'Live updates unavailable',
};

/** A run in progress: the answer as it streams in, mentions lit as the server detects them. */
export function LivePlayer(props: {
  runId: string;
  live: LiveState;
  connection: LiveConnection;
  brand: BrandLookup;
}) {
  const { runId, live, connection, brand } = props;
  const textRef = useRef<HTMLDivElement>(null);
  const startedAt = useRef(performance.now());
  const tl = useMemo(
    () => buildTimeline({ text: live.text, chunks: live.spans, mentions: live.mentions }),
    [live.text, live.spans, live.mentions],
  );

  useEffect(() => {
    const root = textRef.current;
    if (!root) return;
    // Rebuilt per update: live text arrives at the model's pace, not 8×, so a rebuild is cheap enough.
    const renderer = new TextRenderer(root, tl, brand);
    const wall = performance.now() - startedAt.current;
    renderer.render(tl.text.length, litCountAt(tl, Infinity), {
      wallSincePlayMs: wall,
      recordedMs: tl.durationMs,
      by: 'live',
      maxSpeed: 1,
    });
    root.classList.toggle('rn-streaming', !live.done);
    const state: ReplayHookState = {
      mode: 'live',
      runId,
      recordedMs: tl.durationMs,
      wallSincePlayMs: wall,
      playing: !live.done,
      ended: live.done,
      speed: 1,
      durationMs: tl.durationMs,
      visibleChars: tl.text.length,
      totalChars: tl.text.length,
      litMentions: tl.mentions.length,
      totalMentions: tl.mentions.length,
    };
    const uninstall = installHook({
      clock: null,
      state,
      frames: () => ({ count: 0, p95: null, deltas: [], workP95: null }),
      resetFrames: () => undefined,
      mentions: () => renderer.mentions(),
    });
    return () => {
      uninstall();
      renderer.destroy();
    };
  }, [tl, brand, runId, live.done]);

  const status = live.status ?? 'queued';
  return (
    <section className="rn-player" aria-labelledby="rn-player-title" data-testid="live-player">
      <div className="rn-player-head">
        <h2 id="rn-player-title">
          Live stream <span className={`rn-live rn-live-${connection}`}>{CONNECTION_LABEL[connection]}</span>
        </h2>
        <BrandLegend tl={tl} brand={brand} />
      </div>
      <p className="muted rn-live-meta" aria-live="polite">
        {status === 'queued'
          ? 'Queued: waiting for the engine…'
          : `Attempt ${live.attempt || 1} · ${formatN(live.spans.length)} chunks · ${formatN(live.text.length)} characters` +
            (tl.durationMs > 0 ? ` · last chunk at ${formatMs(tl.durationMs)}` : '')}
      </p>
      <div className="rn-answer-wrap">
        <div className="rn-answer-scroll" tabIndex={0} role="region" aria-label="Answer text, as it streams">
          <div ref={textRef} className="rn-answer" data-testid="replay-text" />
        </div>
      </div>
    </section>
  );
}
