/**
 * Time source for capture. Arrival times are monotonic offsets (immune to NTP steps and wall-clock
 * changes) from one wall-clock anchor, `startedAt`, which is only used to place the run in calendar time.
 *
 * The zero is the request-sent instant `t_req` (docs/metrics.md): the moment the request's bytes are written to
 * a connected socket. A clock is created before that (when the adapter is asked to stream); the HTTP client
 * moves its zero there with `requestSent` as it writes the request, on the thread that owns the socket, so
 * connection set-up, a hand-over between threads and any wait before the write are not inside TTFT.
 *
 * Implementations must be cheap: `nowUs()` is called once per socket read on the hot path.
 */
export interface MonotonicClock {
  /** Wall-clock time of the clock's zero. */
  readonly startedAt: Date;
  /** Microseconds since the clock's zero; fractional, sub-millisecond precision. */
  nowUs(): number;
  /**
   * The request went out `atUs` (a reading of this clock) after the current zero, `connectUs` after the
   * exchange began: the zero moves to `atUs` (readings taken before it, such as `connectUs`'s start, are then
   * negative). Called once per exchange, by the HTTP client or its transport; a clock without it keeps its
   * zero (tests' fake clocks).
   */
  requestSent?(atUs: number, connectUs: number): void;
  /**
   * The connection phase before `t_req`: from the start of the exchange on the thread that owns its socket to
   * the request's write (DNS, TCP connect and TLS on a new connection; about 0 on a reused one). Null until the
   * request was sent.
   */
  readonly connectUs?: number | null;
}

/** `performance.now()`-backed clock. Create it immediately before calling `LlmProvider.stream()`. */
export class SystemMonotonicClock implements MonotonicClock {
  startedAt: Date;
  /** `performance.now()` at the clock's zero, in ms; exposed so tests can relate other timestamps to it. */
  originMs: number;
  connectUs: number | null = null;
  /** Date.now() and performance.now() read together at creation: `startedAt` follows the zero from there. */
  private readonly wallAnchorMs: number;
  private readonly perfAnchorMs: number;

  constructor() {
    this.originMs = performance.now();
    this.wallAnchorMs = Date.now();
    this.perfAnchorMs = this.originMs;
    this.startedAt = new Date(this.wallAnchorMs);
  }

  nowUs(): number {
    return (performance.now() - this.originMs) * 1000;
  }

  requestSent(atUs: number, connectUs: number): void {
    this.originMs += atUs / 1000;
    this.startedAt = new Date(Math.round(this.wallAnchorMs + (this.originMs - this.perfAnchorMs)));
    this.connectUs = connectUs;
  }
}
