/**
 * Time source for capture. Arrival times are monotonic offsets (immune to NTP steps and wall-clock
 * changes) from one wall-clock anchor, `startedAt`, which is only used to place the run in calendar time.
 *
 * Implementations must be cheap: `nowUs()` is called once per socket read on the hot path.
 */
export interface MonotonicClock {
  /** Wall-clock time of the clock's zero. */
  readonly startedAt: Date;
  /** Microseconds since the clock's zero; fractional, sub-millisecond precision. */
  nowUs(): number;
}

/**
 * `performance.now()`-backed clock. Create it immediately before calling `LlmProvider.stream()`: its zero is
 * the request-sent time `t_req`, so DNS, connect and TLS are inside TTFT, as a user would experience them.
 */
export class SystemMonotonicClock implements MonotonicClock {
  readonly startedAt: Date;
  /** `performance.now()` at the clock's zero, in ms; exposed so tests can relate other timestamps to it. */
  readonly originMs: number;

  constructor() {
    this.originMs = performance.now();
    this.startedAt = new Date();
  }

  nowUs(): number {
    return (performance.now() - this.originMs) * 1000;
  }
}
