// Code passed to page.evaluate / waitForFunction runs in the browser: it is typed against the DOM library.
/// <reference lib="dom" />
/// <reference lib="dom.iterable" />

/** The replay's test hook (web/src/runs/player/test-hook.ts), as far as the browser tests use it. */
interface StreamrankReplayHook {
  clock: {
    play(): void;
    pause(): void;
    seek(ms: number): void;
    setSpeed(speed: 1 | 2 | 4 | 8): void;
  } | null;
  state: {
    mode: 'replay' | 'live';
    runId: string;
    recordedMs: number;
    wallSincePlayMs: number | null;
    playing: boolean;
    ended: boolean;
    speed: number;
    durationMs: number;
    visibleChars: number;
    totalChars: number;
    litMentions: number;
    totalMentions: number;
  };
  frames(): { count: number; p95: number | null; deltas: number[] };
  resetFrames(): void;
}

interface Window {
  __streamrankReplay?: StreamrankReplayHook;
}
