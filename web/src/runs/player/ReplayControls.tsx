import { useEffect, useRef } from 'react';
import { formatMs, formatN } from '../../ui/format';
import { SPEEDS } from '../replay/clock';
import { seekTo, type ReplayEngine } from './use-replay';

const SCRUB_MAX = 1000;
const SCRUB_KEYS: Record<string, number> = {
  ArrowLeft: -10,
  ArrowDown: -10,
  ArrowRight: 10,
  ArrowUp: 10,
  PageDown: -100,
  PageUp: 100,
  Home: -SCRUB_MAX,
  End: SCRUB_MAX,
};

/** Play/pause, restart, speed (1x-8x) and a keyboard-accessible scrub bar over recorded time. */
export function ReplayControls({ engine, totalTokens }: { engine: ReplayEngine; totalTokens: number }) {
  const { clock, state } = engine;
  const scrubRef = useRef<HTMLInputElement>(null);
  const timeRef = useRef<HTMLSpanElement>(null);
  const tokensRef = useRef<HTMLSpanElement>(null);
  const duration = state.durationMs;
  // The range works in thousandths of the answer's time (so End is exactly the end): arrows move 1%,
  // PageUp/PageDown 10%, Home/End the ends.
  const toTime = (v: number): number => (v / SCRUB_MAX) * duration;

  useEffect(
    () =>
      engine.onFrame(({ sample, tokens }) => {
        const scrub = scrubRef.current;
        const label = `${formatMs(sample.recordedMs)} of ${formatMs(duration)}`;
        if (scrub) {
          const v = duration > 0 ? Math.round((sample.recordedMs / duration) * SCRUB_MAX) : 0;
          if (document.activeElement !== scrub || sample.playing) scrub.value = String(v);
          if (scrub.getAttribute('aria-valuetext') !== label) scrub.setAttribute('aria-valuetext', label);
        }
        if (timeRef.current && timeRef.current.textContent !== label) timeRef.current.textContent = label;
        const tok = totalTokens > 0 ? `${formatN(tokens)} / ${formatN(totalTokens)} tokens` : '';
        if (tokensRef.current && tokensRef.current.textContent !== tok) tokensRef.current.textContent = tok;
      }),
    [engine, duration, totalTokens],
  );

  const playLabel = state.playing ? 'Pause' : state.ended ? 'Replay' : 'Play';
  return (
    <div className="rn-controls">
      <button
        type="button"
        className="btn rn-play"
        onClick={() => clock.toggle()}
        aria-label={`${playLabel} the stream replay`}
        data-testid="replay-play"
      >
        <span aria-hidden="true">{state.playing ? '❚❚' : state.ended ? '↻' : '▶'}</span> {playLabel}
      </button>
      <div className="rn-speeds" role="group" aria-label="Playback speed">
        {SPEEDS.map((s) => (
          <button
            key={s}
            type="button"
            className={s === state.speed ? 'btn btn-small rn-speed rn-speed-on' : 'btn btn-small rn-speed'}
            aria-pressed={s === state.speed}
            onClick={() => clock.setSpeed(s)}
            data-testid={`replay-speed-${s}`}
          >
            {s}×
          </button>
        ))}
      </div>
      <label className="rn-scrub">
        <span className="visually-hidden">Position in the recorded stream</span>
        <input
          ref={scrubRef}
          type="range"
          min={0}
          max={SCRUB_MAX}
          step={1}
          defaultValue={0}
          onChange={(e) => seekTo(engine, toTime(Number(e.currentTarget.value)))}
          onKeyDown={(e) => {
            const jump = SCRUB_KEYS[e.key];
            if (jump === undefined) return;
            e.preventDefault();
            const v = Math.min(SCRUB_MAX, Math.max(0, Number(e.currentTarget.value) + jump));
            e.currentTarget.value = String(v);
            seekTo(engine, toTime(v));
          }}
          data-testid="replay-scrub"
        />
      </label>
      <span className="rn-time">
        <span ref={timeRef} data-testid="replay-time" />
        <span ref={tokensRef} className="muted rn-tokens" />
      </span>
      {!state.ended && (
        <button type="button" className="btn btn-small btn-ghost" onClick={() => seekTo(engine, duration)}>
          Skip to end
        </button>
      )}
    </div>
  );
}
