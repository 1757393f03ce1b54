import { z } from 'zod';
import { idSchema } from '../infra/http/response-schemas';
import { msSchema, runScoreSchema } from './run-score';

const statusData = z.strictObject({
  status: z.enum(['queued', 'running', 'succeeded', 'failed', 'skipped']),
  attempt: z.number().int(),
  /** Failure, retry or skip reason; null when the final state read from the database has none. */
  reason: z.string().nullable().optional(),
  message: z.string().nullable().optional(),
});

const mentionData = z.strictObject({
  brandId: idSchema,
  matched: z.string(),
  charStart: z.number().int(),
  charEnd: z.number().int(),
  visibleAtMs: msSchema,
});

/** The JSON `data` of each event type of `GET /v1/runs/:id/events`. */
export const runEventDataSchemas = {
  chunk: z.strictObject({ index: z.number().int(), text: z.string(), arrivalMs: msSchema }),
  mention: mentionData,
  status: statusData,
  scores: z.strictObject({ scores: z.array(runScoreSchema) }),
};

/** The JSON `data` of each event type of `GET /v1/projects/:projectId/events` (every run of the project). */
export const projectEventDataSchemas = {
  mention: mentionData.extend({ runId: idSchema }),
  status: statusData.extend({ runId: idSchema }),
};
