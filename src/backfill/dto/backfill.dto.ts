import { z } from 'zod';
import { idSchema, listResponseSchema, timestampSchema } from '../../infra/http/response-schemas';

export const backfillResponseSchema = z.strictObject({
  id: idSchema,
  projectId: idSchema,
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'superseded']),
  reason: z.string(),
  progress: z.strictObject({
    processedRuns: z.number().int(),
    totalRuns: z.number().int(),
    fraction: z.number().nullable(),
  }),
  error: z.string().nullable(),
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
});
export const backfillListResponseSchema = listResponseSchema(backfillResponseSchema);
