// Frame-time statistics for the replay loop (requestAnimationFrame deltas), kept in a fixed ring. Pure.

export class FrameStats {
  private readonly deltas: Float64Array;
  private readonly workMs: Float64Array;
  private count = 0;
  private workCount = 0;
  private last: number | null = null;

  constructor(private readonly capacity = 1200) {
    this.deltas = new Float64Array(capacity);
    this.workMs = new Float64Array(capacity);
  }

  /** Records the script time one frame's update took (ms). */
  work(ms: number): void {
    this.workMs[this.workCount % this.capacity] = ms;
    this.workCount++;
  }

  /** Nearest-rank percentile of the recorded update times; null without frames. */
  workPercentile(p: number): number | null {
    return nearestRank(Array.from(this.workMs.subarray(0, Math.min(this.workCount, this.capacity))), p);
  }

  /** Records a frame at timestamp `t` (ms); the first frame after a reset only sets the reference. */
  frame(t: number): void {
    if (this.last !== null) {
      this.deltas[this.count % this.capacity] = t - this.last;
      this.count++;
    }
    this.last = t;
  }

  /** Forget the reference frame (after a pause: the gap is not a slow frame). */
  gap(): void {
    this.last = null;
  }

  reset(): void {
    this.count = 0;
    this.workCount = 0;
    this.last = null;
  }

  values(): number[] {
    const n = Math.min(this.count, this.capacity);
    return Array.from(this.deltas.subarray(0, n));
  }

  /** Nearest-rank percentile of the recorded deltas (p in [0, 1]); null without frames. */
  percentile(p: number): number | null {
    return nearestRank(this.values(), p);
  }

  get frames(): number {
    return Math.min(this.count, this.capacity);
  }
}

function nearestRank(values: number[], p: number): number | null {
  const v = values.sort((a, b) => a - b);
  if (v.length === 0) return null;
  const rank = Math.min(v.length - 1, Math.max(0, Math.ceil(p * v.length) - 1));
  return v[rank] as number;
}
