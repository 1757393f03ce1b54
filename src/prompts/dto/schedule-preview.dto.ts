import { z } from 'zod';
import { timestampSchema } from '../../infra/http/response-schemas';
import { promptFields } from './prompt.dto';

export const MAX_PREVIEW_FIRINGS = 10;
export const DEFAULT_PREVIEW_FIRINGS = 5;
// The instants a preview may start from: the years the scheduler can meet, no more.
const EARLIEST_FROM = Date.parse('2000-01-01T00:00:00Z');
const LATEST_FROM = Date.parse('2100-01-01T00:00:00Z');

export const schedulePreviewQuerySchema = z
  .object({
    cron: promptFields.cron,
    timezone: promptFields.timezone.default('UTC'),
    count: z.coerce.number().int().min(1).max(MAX_PREVIEW_FIRINGS).default(DEFAULT_PREVIEW_FIRINGS),
    from: z.iso
      .datetime({ offset: true })
      .refine((s) => Date.parse(s) >= EARLIEST_FROM && Date.parse(s) < LATEST_FROM, {
        message: 'must be between 2000-01-01 and 2100-01-01',
      })
      .optional(),
  })
  .strict();

export type SchedulePreviewQuery = z.infer<typeof schedulePreviewQuerySchema>;

export const schedulePreviewResponseSchema = z.strictObject({
  cron: z.string(),
  timezone: z.string(),
  from: timestampSchema.describe('firings are the first ones strictly after this instant'),
  description: z
    .string()
    .describe('the cron in words, in its own timezone ("At 09:00, Monday through Friday")'),
  words: z.string().describe('the description with its timezone, as the web app shows it'),
  firings: z.array(
    z.strictObject({
      at: timestampSchema,
      local: z.string().describe('the same instant in the schedule timezone, ISO 8601 with its UTC offset'),
    }),
  ),
});

export type SchedulePreview = z.infer<typeof schedulePreviewResponseSchema>;
