// Test hooks for browser tests (harmless in production): window.__streamrankReplay exposes the playback
// clock and the replay's state, updated every frame; each mention <mark> carries data-* attributes (see
// text-renderer.ts).
import type { PlaybackClock } from '../replay/clock';
import type { FrameStats } from '../replay/frame-stats';
import type { RenderedMention } from './text-renderer';

export interface ReplayHookState {
  mode: 'replay' | 'live';
  runId: string;
  recordedMs: number;
  /** Wall ms since playback began (null before the first play). */
  wallSincePlayMs: number | null;
  playing: boolean;
  ended: boolean;
  speed: number;
  durationMs: number;
  visibleChars: number;
  totalChars: number;
  litMentions: number;
  totalMentions: number;
}

export interface ReplayTestHook {
  /** The playback clock (null in live mode): play(), pause(), seek(ms), setSpeed(1|2|4|8), sample(). */
  clock: PlaybackClock | null;
  state: ReplayHookState;
  /** requestAnimationFrame deltas (ms) recorded while playing, their p95, and the p95 of our update's script time. */
  frames(): FrameReport;
  resetFrames(): void;
  /** Every mention in text order with its lit state. */
  mentions(): RenderedMention[];
}

declare global {
  interface Window {
    __streamrankReplay?: ReplayTestHook;
  }
}

export function installHook(hook: ReplayTestHook): () => void {
  window.__streamrankReplay = hook;
  return () => {
    if (window.__streamrankReplay === hook) delete window.__streamrankReplay;
  };
}

export interface FrameReport {
  count: number;
  p95: number | null;
  deltas: number[];
  workP95: number | null;
}

export function frameReport(stats: FrameStats): FrameReport {
  return {
    count: stats.frames,
    p95: stats.percentile(0.95),
    deltas: stats.values(),
    workP95: stats.workPercentile(0.95),
  };
}
