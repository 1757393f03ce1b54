import { z } from 'zod';
import { timestampSchema } from '../../infra/http/response-schemas';

const count = z.number().int();

const usageDaySchema = z.strictObject({
  day: z.iso.date(),
  runs: z.strictObject({
    queued: count,
    running: count,
    succeeded: count,
    failed: count,
    skipped: count,
    total: count,
  }),
  countedRuns: count,
  skippedByReason: z.record(z.string(), count),
  estimatedSpendUsd: z.number(),
});

export const usageResponseSchema = z.strictObject({
  today: usageDaySchema,
  caps: z.strictObject({ runsPerDay: count.nullable(), spendUsdPerDay: z.number().nullable() }),
  remaining: z.strictObject({ runs: count.nullable(), spendUsd: z.number().nullable() }),
  resetsAt: timestampSchema,
  history: z.array(usageDaySchema),
});
