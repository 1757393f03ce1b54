import { z } from 'zod';

export const liveResponseSchema = z.strictObject({ status: z.literal('ok') });

/** Only whether each check passed: what failed (hosts, ports, versions) goes to the log, never to a caller. */
const dependencyCheckSchema = z.strictObject({ ok: z.boolean() });

/** 200 with `ok`, 503 with `unavailable` (same shape). */
export const readyResponseSchema = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.strictObject({
    postgres: dependencyCheckSchema,
    migrations: dependencyCheckSchema,
    redis: dependencyCheckSchema,
  }),
});
