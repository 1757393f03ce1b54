import { describe, expect, it } from '@jest/globals';
import { PlaybackClock } from './clock';

function fakeClock(durationMs: number) {
  let wall = 1000;
  const clock = new PlaybackClock({ durationMs, now: () => wall });
  return { clock, advance: (ms: number) => (wall += ms), wall: () => wall };
}

describe('PlaybackClock', () => {
  it('maps wall time to recorded time at the chosen speed', () => {
    const { clock, advance } = fakeClock(10_000);
    expect(clock.recordedMs()).toBe(0);
    advance(500);
    expect(clock.recordedMs()).toBe(0); // paused
    clock.setSpeed(8);
    clock.play();
    advance(100);
    const s = clock.sample();
    expect(s.recordedMs).toBe(800);
    expect(s.wallSincePlayMs).toBe(100);
    expect(s.maxSpeedSincePlay).toBe(8);
    expect(s.seekedSincePlay).toBe(false);
  });

  it('pauses and resumes without jumping', () => {
    const { clock, advance } = fakeClock(10_000);
    clock.play();
    advance(300);
    clock.pause();
    advance(5000);
    expect(clock.recordedMs()).toBe(300);
    clock.play();
    advance(200);
    expect(clock.recordedMs()).toBe(500);
    expect(clock.sample().wallSincePlayMs).toBe(5500);
  });

  it('re-anchors on a speed change so recorded time is continuous', () => {
    const { clock, advance } = fakeClock(10_000);
    clock.play();
    advance(100);
    clock.setSpeed(4);
    expect(clock.recordedMs()).toBe(100);
    advance(100);
    expect(clock.recordedMs()).toBe(500);
    clock.setSpeed(2);
    advance(100);
    const s = clock.sample();
    expect(s.recordedMs).toBe(700);
    expect(s.maxSpeedSincePlay).toBe(4);
    // Never ahead of the fastest speed used.
    expect(s.recordedMs).toBeLessThanOrEqual((s.wallSincePlayMs ?? 0) * s.maxSpeedSincePlay);
  });

  it('seeks (clamped) and flags the seek', () => {
    const { clock, advance } = fakeClock(2000);
    clock.play();
    advance(10);
    clock.seek(1500);
    expect(clock.recordedMs()).toBe(1500);
    expect(clock.sample().seekedSincePlay).toBe(true);
    clock.seek(99_999);
    expect(clock.recordedMs()).toBe(2000);
    clock.seek(-5);
    expect(clock.recordedMs()).toBe(0);
    expect(clock.sample().seekedSincePlay).toBe(false); // back to the start: a fresh playback
    // Reaching the end paused it; the next play starts a fresh playback.
    expect(clock.sample().wallSincePlayMs).toBeNull();
    clock.play();
    expect(clock.sample().wallSincePlayMs).toBe(0);
  });

  it('stops at the end and replays from the start', () => {
    const { clock, advance } = fakeClock(1000);
    const states: boolean[] = [];
    clock.subscribe((s) => states.push(s.playing));
    clock.play();
    advance(2000);
    const end = clock.sample();
    expect(end.recordedMs).toBe(1000);
    expect(end.ended).toBe(true);
    expect(end.playing).toBe(false);
    expect(states).toEqual([true, false]);
    clock.play();
    expect(clock.recordedMs()).toBe(0);
    expect(clock.sample().wallSincePlayMs).toBe(0);
  });

  it('keeps the position when the live stream grows', () => {
    const { clock, advance } = fakeClock(100);
    clock.play();
    advance(50);
    clock.setDuration(500);
    advance(100);
    expect(clock.recordedMs()).toBe(150);
  });

  it('a mention lit at a frame with recorded >= visibleAtMs is never lit before visibleAtMs / speed', () => {
    const visibleAt = [0, 1, 399.5, 650, 2900, 3100];
    for (const speed of [1, 2, 4, 8] as const) {
      const { clock, advance } = fakeClock(3100);
      clock.setSpeed(speed);
      clock.play();
      const litWall = new Map<number, number>();
      for (let f = 0; f < 400; f++) {
        advance(16.7 + (f % 3) * 0.4);
        const s = clock.sample();
        for (const v of visibleAt) {
          if (!litWall.has(v) && s.recordedMs >= v) litWall.set(v, s.wallSincePlayMs ?? 0);
        }
      }
      for (const v of visibleAt) expect(litWall.get(v)).toBeGreaterThanOrEqual(v / speed);
    }
  });
});
