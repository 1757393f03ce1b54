// The replay engine behind the player: one PlaybackClock per timeline, a requestAnimationFrame loop while
// playing (one clock sample per frame drives the text, the lit mentions and every per-frame widget), and the
// window.__streamrankReplay test hook. React renders only when the clock's play/pause/speed state changes.
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { PlaybackClock, type ClockSample, type ClockState, type Speed } from '../replay/clock';
import { formatMs } from '../../ui/format';
import { FrameStats } from '../replay/frame-stats';
import {
  litCountAt,
  tokensAt,
  visibleCharsAt,
  type Timeline,
  type TimelineMention,
} from '../replay/timeline';
import { frameReport, installHook, type ReplayHookState } from './test-hook';
import { TextRenderer, type BrandLookup, type LitInfo } from './text-renderer';

export interface FrameInfo {
  sample: ClockSample;
  visibleChars: number;
  tokens: number;
}

export type FrameListener = (f: FrameInfo) => void;

export interface ReplayEngine {
  clock: PlaybackClock;
  state: ClockState;
  textRef: RefObject<HTMLDivElement | null>;
  /** Per-frame widgets (scrub bar, time label, playhead) subscribe here and write to the DOM directly. */
  onFrame(listener: FrameListener): () => void;
  /** Redraw once (after a seek while paused). */
  redraw(): void;
  /** A polite live region announcing each brand as it lights. */
  announceRef: RefObject<HTMLParagraphElement | null>;
}

function litInfo(s: ClockSample): LitInfo {
  return {
    wallSincePlayMs: s.wallSincePlayMs,
    recordedMs: s.recordedMs,
    // Lit by the running clock since a play from 0 (including the final frame, where it stops at the end).
    by: s.wallSincePlayMs !== null && !s.seekedSincePlay ? 'play' : 'scrub',
    maxSpeed: s.maxSpeedSincePlay,
  };
}

export function useReplay(
  runId: string,
  tl: Timeline,
  brand: BrandLookup,
  initialSpeed: Speed = 1,
): ReplayEngine {
  const clock = useMemo(
    () => new PlaybackClock({ durationMs: tl.durationMs, speed: initialSpeed }),
    [tl, initialSpeed],
  );
  const [state, setState] = useState<ClockState>(() => clock.state());
  const announceRef = useRef<HTMLParagraphElement | null>(null);
  const textRef = useRef<HTMLDivElement | null>(null);
  const listeners = useRef(new Set<FrameListener>());
  const drawRef = useRef<() => void>(() => undefined);
  const brandRef = useRef(brand);
  brandRef.current = brand;

  useEffect(() => {
    const root = textRef.current;
    if (!root) return;
    const frames = new FrameStats();
    // Announce each brand as it lights (a polite live region, written directly: no React render per mention).
    const announce = (m: TimelineMention): void => {
      const el = announceRef.current;
      if (el) el.textContent = `${brandRef.current(m.brandId).name} appeared at ${formatMs(m.visibleAtMs)}`;
    };
    const renderer = new TextRenderer(root, tl, (id) => brandRef.current(id), announce);
    const hookState: ReplayHookState = {
      mode: 'replay',
      runId,
      recordedMs: 0,
      wallSincePlayMs: null,
      playing: false,
      ended: false,
      speed: clock.speed,
      durationMs: tl.durationMs,
      visibleChars: 0,
      totalChars: tl.text.length,
      litMentions: 0,
      totalMentions: tl.mentions.length,
    };
    const uninstall = installHook({
      clock,
      state: hookState,
      frames: () => frameReport(frames),
      resetFrames: () => frames.reset(),
      mentions: () => renderer.mentions(),
    });

    const draw = (): ClockSample => {
      const s = clock.sample();
      const visibleChars = visibleCharsAt(tl, s.recordedMs);
      // No layout reads here: the scroll box follows the newest text by itself (column-reverse, see runs.css).
      renderer.render(visibleChars, litCountAt(tl, s.recordedMs), litInfo(s));
      const streaming = s.playing && s.recordedMs < tl.durationMs;
      root.classList.toggle('rn-streaming', streaming);
      root.classList.toggle('rn-waiting', tl.firstTextMs !== null && s.recordedMs < tl.firstTextMs);
      hookState.recordedMs = s.recordedMs;
      hookState.wallSincePlayMs = s.wallSincePlayMs;
      hookState.playing = s.playing;
      hookState.ended = s.ended;
      hookState.speed = s.speed;
      hookState.visibleChars = renderer.visibleChars;
      hookState.litMentions = renderer.litMentions;
      const info: FrameInfo = { sample: s, visibleChars, tokens: tokensAt(tl, s.recordedMs) };
      for (const l of listeners.current) l(info);
      return s;
    };
    drawRef.current = () => void draw();

    let raf = 0;
    const tick = (ts: number): void => {
      frames.frame(ts);
      raf = 0;
      const t0 = performance.now();
      const playing = draw().playing;
      frames.work(performance.now() - t0);
      if (playing) raf = requestAnimationFrame(tick);
      else frames.gap();
    };
    const unsubscribe = clock.subscribe((st) => {
      setState(st);
      if (st.playing && raf === 0) raf = requestAnimationFrame(tick);
      if (!st.playing) {
        if (raf !== 0) cancelAnimationFrame(raf);
        raf = 0;
        frames.gap();
        draw();
      }
    });
    draw();
    return () => {
      unsubscribe();
      if (raf !== 0) cancelAnimationFrame(raf);
      clock.pause();
      renderer.destroy();
      uninstall();
      drawRef.current = () => undefined;
    };
  }, [clock, tl, runId]);

  return useMemo(
    () => ({
      clock,
      state,
      textRef,
      announceRef,
      onFrame: (l: FrameListener) => {
        listeners.current.add(l);
        return () => listeners.current.delete(l);
      },
      redraw: () => drawRef.current(),
    }),
    [clock, state],
  );
}

/** Seek then redraw (the loop is not running while paused). */
export function seekTo(engine: ReplayEngine, tMs: number): void {
  engine.clock.seek(tMs);
  engine.redraw();
}
