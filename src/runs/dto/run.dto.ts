import { z } from 'zod';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../../infra/http/pagination';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;

export const runListQuerySchema = z
  .object({
    projectId: z.uuid().optional(),
    promptId: z.uuid().optional(),
    engineId: z.uuid().optional(),
    status: z.enum(RUN_STATUSES).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .refine((q) => !q.from || !q.to || new Date(q.from) < new Date(q.to), {
    message: 'from must be before to',
    path: ['from'],
  });

export const runNowSchema = z
  .object({
    engineIds: z.array(z.uuid()).min(1).max(20).optional(),
    samples: z.number().int().min(1).optional(),
  })
  .strict();

export type RunNowInput = z.infer<typeof runNowSchema>;

/** Microseconds as stored → milliseconds as presented (3 decimals: µs precision). */
export const usToMs = (us: number | null | undefined): number | null =>
  us === null || us === undefined ? null : us / 1000;
