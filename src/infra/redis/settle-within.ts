/**
 * How long an enqueue may hold its caller (an HTTP request) while Redis does not answer: well past a healthy
 * round trip under load, well short of a client's timeout.
 */
export const ENQUEUE_WAIT_MS = 2_000;

/** What `settleWithin` saw by its deadline. */
export type Settled<T> = { settled: true; value: T } | { settled: false };

/**
 * Waits for `work` at most `ms`. A result or a rejection before the deadline is returned or thrown as usual;
 * past it the caller goes on with `{ settled: false }` while the work keeps running, and `late` hears how it
 * ended (for a log line). For Redis commands that would otherwise hold an HTTP request for a whole outage:
 * BullMQ's connection queues commands while Redis is away and never gives up on them (workers need that), so
 * an enqueue issued during the outage is sent when Redis is back.
 */
export async function settleWithin<T>(
  work: Promise<T>,
  ms: number,
  late: (outcome: { value: T } | { error: unknown }) => void,
): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<Settled<T>>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve({ settled: false });
    }, ms);
  });
  const done = work.then(
    (value): Settled<T> => {
      if (timedOut) late({ value });
      return { settled: true, value };
    },
    (error: unknown): Settled<T> => {
      if (!timedOut) throw error;
      late({ error });
      return { settled: false };
    },
  );
  try {
    return await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
