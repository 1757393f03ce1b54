// Pure: no queue or database here, so the retry policy (attempt-outcome.ts) and the result writer can share it.

/**
 * The delay before try `tries + 1` (tries >= 1): `base * 2^(tries-1)` capped at `cap`, then drawn uniformly from
 * its upper half, so retries spread out yet never come sooner than half the schedule.
 */
export function jitteredExponentialMs(
  tries: number,
  base: number,
  cap: number,
  random = Math.random,
): number {
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, tries - 1));
  return Math.floor(ceiling / 2 + random() * (ceiling / 2));
}
