import type { MonotonicClock } from '../../src/llm/monotonic-clock';

/** A clock tests move by hand, for deterministic timings. */
export class FakeMonotonicClock implements MonotonicClock {
  readonly startedAt: Date;
  private currentUs = 0;

  constructor(startedAt = new Date('2025-01-01T00:00:00.000Z')) {
    this.startedAt = startedAt;
  }

  nowUs(): number {
    return this.currentUs;
  }

  advanceMs(ms: number): void {
    this.currentUs += ms * 1000;
  }
}
