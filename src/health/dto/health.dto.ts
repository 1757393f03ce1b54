import { z } from 'zod';

export const liveResponseSchema = z.strictObject({ status: z.literal('ok') });

const dependencyCheckSchema = z.strictObject({ ok: z.boolean(), detail: z.string().optional() });

/** 200 with `ok`, 503 with `unavailable` (same shape). */
export const readyResponseSchema = z.strictObject({
  status: z.enum(['ok', 'unavailable']),
  checks: z.strictObject({ postgres: dependencyCheckSchema, redis: dependencyCheckSchema }),
});
