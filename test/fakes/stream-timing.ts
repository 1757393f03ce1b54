import type { LlmProvider, LlmRequest } from '../../src/llm/llm-provider';
import { SystemMonotonicClock } from '../../src/llm/monotonic-clock';
import type { StreamPart } from '../../src/llm/stream-part';

/** Drives a provider to the end, keeping every part and the error it ended with (null on success). */
export async function collectParts(
  provider: LlmProvider,
  req: LlmRequest,
  signal = new AbortController().signal,
): Promise<{ parts: StreamPart[]; error: unknown; clock: SystemMonotonicClock }> {
  const clock = new SystemMonotonicClock();
  const parts: StreamPart[] = [];
  try {
    for await (const part of provider.stream(req, { signal, clock })) parts.push(part);
  } catch (error) {
    return { parts, error, clock };
  }
  return { parts, error: null, clock };
}

/**
 * |arrival − emission| in µs for parts stamped `atUs` against the fake server's write times (high-resolution
 * epoch ms on the same performance clock), summarised as median, p99 and the most negative signed error.
 */
export function arrivalErrors(
  clock: SystemMonotonicClock,
  arrivalsUs: readonly number[],
  writeTimesMs: readonly number[],
): { medianUs: number; p99Us: number; minSignedUs: number } {
  const zeroMs = performance.timeOrigin + clock.originMs;
  const signed = arrivalsUs.map((atUs, i) => atUs - ((writeTimesMs[i] ?? NaN) - zeroMs) * 1000);
  const absolute = signed.map(Math.abs).sort((a, b) => a - b);
  return {
    medianUs: absolute[Math.floor(absolute.length / 2)] ?? NaN,
    p99Us: absolute[Math.ceil(absolute.length * 0.99) - 1] ?? NaN,
    minSignedUs: Math.min(...signed),
  };
}
