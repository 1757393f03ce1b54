import { describe, expect, it } from '@jest/globals';
import { FrameStats } from './frame-stats';
import { cumulativeTokens, stepPath, xOf, yOf } from './token-curve';

describe('token curve', () => {
  it('counts tokens per distinct arrival and draws a step path', () => {
    const pts = cumulativeTokens([100, 100, 200, 400]);
    expect(pts).toEqual([
      { tMs: 100, tokens: 2 },
      { tMs: 200, tokens: 3 },
      { tMs: 400, tokens: 4 },
    ]);
    const scale = { width: 400, height: 40, durationMs: 400, maxTokens: 4 };
    expect(xOf(scale, 200)).toBe(200);
    expect(yOf(scale, 4)).toBe(0);
    expect(stepPath(pts, scale)).toBe('M0 40H100V20H200V10H400V0H400');
  });

  it('downsamples long answers and keeps the last point', () => {
    const arrivals = Array.from({ length: 2000 }, (_, i) => i * 3);
    const pts = cumulativeTokens(arrivals, 500);
    expect(pts.length).toBeLessThanOrEqual(501);
    expect(pts[pts.length - 1]).toEqual({ tMs: 5997, tokens: 2000 });
  });
});

describe('FrameStats', () => {
  it('records deltas and reports percentiles', () => {
    const f = new FrameStats(100);
    let t = 0;
    f.frame(t);
    for (let i = 0; i < 20; i++) f.frame((t += i === 19 ? 40 : 16));
    expect(f.frames).toBe(20);
    expect(f.percentile(0.5)).toBe(16);
    expect(f.percentile(1)).toBe(40);
    f.work(2);
    f.work(5);
    expect(f.workPercentile(0.5)).toBe(2);
    expect(f.workPercentile(0.95)).toBe(5);
    f.gap();
    f.frame(10_000);
    expect(f.frames).toBe(20);
  });
});
