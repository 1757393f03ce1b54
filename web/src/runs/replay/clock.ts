// Playback clock: maps wall time to recorded time. While playing,
//   recorded = anchorRecorded + (now() - anchorWall) * speed
// and every play/pause/seek/speed change re-anchors at the current position, so recorded time is continuous
// and never runs faster than `speed` times the wall clock. Pure: `now` is injected (performance.now in the
// browser, a fake in tests).

export const SPEEDS = [1, 2, 4, 8] as const;
export type Speed = (typeof SPEEDS)[number];

export function isSpeed(n: number): n is Speed {
  return (SPEEDS as readonly number[]).includes(n);
}

/** One reading of the clock (a single `now()` call, so every field agrees). */
export interface ClockSample {
  /** Wall time of the reading (the injected clock's unit: ms). */
  wallMs: number;
  /** Recorded time (ms since t_req), clamped to [0, durationMs]. */
  recordedMs: number;
  playing: boolean;
  ended: boolean;
  speed: Speed;
  /**
   * Wall ms since the current playback began (play from 0); null before the first play. Because recorded
   * time never advances faster than maxSpeedSincePlay × wall time, recordedMs <= wallSincePlayMs ×
   * maxSpeedSincePlay whenever `seekedSincePlay` is false.
   */
  wallSincePlayMs: number | null;
  maxSpeedSincePlay: Speed;
  /** A seek (other than to 0) happened since playback began: wall and recorded time are decoupled. */
  seekedSincePlay: boolean;
}

export interface ClockState {
  playing: boolean;
  ended: boolean;
  speed: Speed;
  durationMs: number;
}

export interface PlaybackClockOptions {
  durationMs: number;
  now?: () => number;
  speed?: Speed;
}

type Listener = (state: ClockState) => void;

const defaultNow = (): number => performance.now();

export class PlaybackClock {
  private readonly now: () => number;
  private durationMsValue: number;
  private speedValue: Speed;
  private playingValue = false;
  private anchorWall = 0;
  private anchorRecorded = 0;
  private playOriginWall: number | null = null;
  private maxSpeed: Speed;
  private seeked = false;
  private readonly listeners = new Set<Listener>();

  constructor(options: PlaybackClockOptions) {
    this.now = options.now ?? defaultNow;
    this.durationMsValue = Math.max(0, options.durationMs);
    this.speedValue = options.speed ?? 1;
    this.maxSpeed = this.speedValue;
  }

  get durationMs(): number {
    return this.durationMsValue;
  }

  get speed(): Speed {
    return this.speedValue;
  }

  get playing(): boolean {
    return this.playingValue;
  }

  /** Reads the clock. Reaching the end pauses it there (`ended`). */
  sample(): ClockSample {
    const wallMs = this.now();
    let recordedMs = this.recordedAt(wallMs);
    if (this.playingValue && recordedMs >= this.durationMsValue) {
      recordedMs = this.durationMsValue;
      this.anchorRecorded = recordedMs;
      this.anchorWall = wallMs;
      this.playingValue = false;
      this.emit();
    }
    return {
      wallMs,
      recordedMs,
      playing: this.playingValue,
      ended: recordedMs >= this.durationMsValue,
      speed: this.speedValue,
      wallSincePlayMs: this.playOriginWall === null ? null : wallMs - this.playOriginWall,
      maxSpeedSincePlay: this.maxSpeed,
      seekedSincePlay: this.seeked,
    };
  }

  /** Current recorded time (ms since t_req). */
  recordedMs(): number {
    return this.sample().recordedMs;
  }

  state(): ClockState {
    const s = this.sample();
    return { playing: s.playing, ended: s.ended, speed: s.speed, durationMs: this.durationMsValue };
  }

  play(): void {
    if (this.playingValue) return;
    const wall = this.now();
    let at = this.recordedAt(wall);
    if (at >= this.durationMsValue) at = 0; // replay from the start
    if (at === 0) {
      // A fresh playback: wall and recorded time start together.
      this.playOriginWall = wall;
      this.maxSpeed = this.speedValue;
      this.seeked = false;
    } else if (this.playOriginWall === null) {
      this.playOriginWall = wall;
      this.maxSpeed = this.speedValue;
      this.seeked = true;
    }
    this.anchorRecorded = at;
    this.anchorWall = wall;
    this.playingValue = true;
    this.emit();
  }

  pause(): void {
    if (!this.playingValue) return;
    const wall = this.now();
    this.anchorRecorded = this.recordedAt(wall);
    this.anchorWall = wall;
    this.playingValue = false;
    this.emit();
  }

  toggle(): void {
    if (this.playingValue) this.pause();
    else this.play();
  }

  /** Jumps to recorded time t (clamped). Seeking to 0 starts a fresh playback at the next play. */
  seek(tMs: number): void {
    const wall = this.now();
    const t = Math.min(Math.max(0, Number.isFinite(tMs) ? tMs : 0), this.durationMsValue);
    this.anchorRecorded = t;
    this.anchorWall = wall;
    if (t === 0) {
      this.playOriginWall = this.playingValue ? wall : null;
      this.maxSpeed = this.speedValue;
      this.seeked = false;
    } else this.seeked = true;
    this.emit();
  }

  setSpeed(speed: Speed): void {
    if (speed === this.speedValue) return;
    const wall = this.now();
    this.anchorRecorded = this.recordedAt(wall);
    this.anchorWall = wall;
    this.speedValue = speed;
    if (speed > this.maxSpeed) this.maxSpeed = speed;
    this.emit();
  }

  /** The stream grew (live): a longer recorded end, position kept. */
  setDuration(durationMs: number): void {
    const wall = this.now();
    this.anchorRecorded = this.recordedAt(wall);
    this.anchorWall = wall;
    this.durationMsValue = Math.max(0, durationMs);
    this.emit();
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private recordedAt(wall: number): number {
    const t = this.playingValue
      ? this.anchorRecorded + (wall - this.anchorWall) * this.speedValue
      : this.anchorRecorded;
    return Math.min(Math.max(0, t), this.durationMsValue);
  }

  private emit(): void {
    const state: ClockState = {
      playing: this.playingValue,
      ended: this.anchorRecorded >= this.durationMsValue && !this.playingValue,
      speed: this.speedValue,
      durationMs: this.durationMsValue,
    };
    for (const l of [...this.listeners]) l(state);
  }
}
