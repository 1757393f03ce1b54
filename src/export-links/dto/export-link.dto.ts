import { z } from 'zod';
import { apiDateTime } from '../../infra/http/api-date';
import { idSchema, listResponseSchema, timestampSchema } from '../../infra/http/response-schemas';
import { groupBySchema, type GroupDimension } from '../../reports/report-groups';
import { CSV_REPORTS, type CsvReport } from '../../reports/report-csv.service';

/** The reports a link may export: the REST report routes that answer CSV (`gaps/domains` is `gap-domains`). */
export const EXPORT_REPORTS = CSV_REPORTS;
export type ExportReport = CsvReport;
/** The reports that take a breakdown (`groupBy`), as on GET /v1/reports/<report>. */
const GROUPABLE: ReadonlySet<ExportReport> = new Set(['mentions', 'head-to-head', 'citations']);

const MAX_WINDOW_DAYS = 400;
const ids = z
  .array(z.uuid())
  .max(100)
  .transform((v) => [...new Set(v)]);

/**
 * The report filters of GET /v1/reports/* (src/reports/report-filter.ts `ReportQuery`), as a JSON body: arrays
 * instead of comma-separated parameters, and no range (the link's window sets it at each read).
 */
export const exportFiltersSchema = z
  .object({
    brandIds: ids.optional(),
    engineIds: ids.optional(),
    promptIds: ids.optional(),
    tags: z
      .array(z.string().trim().min(1).max(64))
      .max(100)
      .transform((v) => [...new Set(v)])
      .optional(),
    promptRevision: z.number().int().min(1).max(2_147_483_647).optional(),
    // The REST query's groupBy (a list or comma-separated text), as a JSON array only.
    groupBy: z
      .array(z.string())
      // (it takes string | string[]; zod's pipe typing wants exactly string[])
      .pipe(groupBySchema.unwrap() as z.ZodType<GroupDimension[], string[]>)
      .optional()
      .describe(
        'mentions, head-to-head and citations only: one or two of engine, prompt, tag, brand, day, week',
      ),
    bucket: z.enum(['day', 'week']).optional().describe('trend only (default day)'),
  })
  .strict();
export type ExportFilters = z.infer<typeof exportFiltersSchema>;

export const createExportLinkSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    report: z.enum(EXPORT_REPORTS),
    filters: exportFiltersSchema.default({}),
    windowDays: z
      .number()
      .int()
      .min(1)
      .max(MAX_WINDOW_DAYS)
      .default(30)
      .describe('Each read covers the windowDays × 24 h up to the request (a rolling window)'),
    expiresAt: apiDateTime.optional().describe('The link answers 404 from then on; must be in the future'),
  })
  .strict()
  .superRefine((v, ctx) => {
    if (v.filters.groupBy && !GROUPABLE.has(v.report)) {
      ctx.addIssue({
        code: 'custom',
        path: ['filters', 'groupBy'],
        message: 'only the mentions, head-to-head and citations reports take groupBy',
      });
    }
    if (v.filters.bucket && v.report !== 'trend') {
      ctx.addIssue({
        code: 'custom',
        path: ['filters', 'bucket'],
        message: 'only the trend report takes bucket',
      });
    }
  });
export type CreateExportLinkInput = z.infer<typeof createExportLinkSchema>;

/** `?header=1` adds the header row (default: none, so the rows can be imported as they are). */
export const exportReadQuerySchema = z.looseObject({
  header: z
    .enum(['0', '1', 'true', 'false'])
    .transform((v) => v === '1' || v === 'true')
    .optional(),
});

export const exportLinkResponseSchema = z.strictObject({
  id: idSchema,
  projectId: idSchema,
  name: z.string(),
  report: z.enum(EXPORT_REPORTS),
  filters: z.record(z.string(), z.unknown()).describe('The filters as validated at creation'),
  windowDays: z.number().int(),
  prefix: z.string().describe('First characters of the token (not secret)'),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  expiresAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
});
export const createdExportLinkResponseSchema = exportLinkResponseSchema.extend({
  token: z.string().describe('The token itself, shown exactly once'),
  path: z.string().describe('`/v1/export/<token>.csv`, relative to the API'),
  url: z.string().nullable().describe('The absolute link when PUBLIC_URL is configured, else null'),
});
export const exportLinkListResponseSchema = listResponseSchema(exportLinkResponseSchema);

export type ExportLinkView = z.infer<typeof exportLinkResponseSchema>;
export type CreatedExportLinkView = z.infer<typeof createdExportLinkResponseSchema>;
