import { z } from 'zod';

export const MAX_USAGE_DAYS = 31;

export const usageQuerySchema = z
  .object({
    /** UTC days of history, ending today (today included). */
    days: z.coerce.number().int().min(1).max(MAX_USAGE_DAYS).default(7),
  })
  .strict();

export type UsageQuery = z.infer<typeof usageQuerySchema>;
