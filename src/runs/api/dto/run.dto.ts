import { z } from 'zod';
import { apiDateTime } from '../../../infra/http/api-date';
import { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE } from '../../../infra/http/pagination';
import { idSchema, pageResponseSchema, timestampSchema } from '../../../infra/http/response-schemas';
import { PROVIDER_KINDS } from '../../../engines/dto/engine.dto';
import { msSchema, runScoreSchema } from '../../../live-events/run-score';

export const RUN_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'skipped'] as const;

/** `a,b,c` or repeated parameters → a bounded list. */
const list = <T extends z.ZodType<string, string>>(item: T) =>
  z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : v.split(',')).map((x) => x.trim()).filter(Boolean))
    .pipe(z.array(item).max(100))
    .optional();

const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/** Filters that read a brand's score row of the run, so they need `brandId`. */
const BRAND_SCOPED = ['mentioned', 'fold', 'reachedWithinMs', 'reachedBeforeToken'] as const;

export const runListQuerySchema = z
  .object({
    projectId: z.uuid().optional(),
    promptId: z.uuid().optional(),
    promptRevision: z.coerce.number().int().min(1).max(2_147_483_647).optional(),
    engineId: z.uuid().optional(),
    promptIds: list(z.uuid()),
    engineIds: list(z.uuid()),
    tags: list(z.string().min(1).max(64)),
    status: z.enum(RUN_STATUSES).optional(),
    synthetic: bool.optional(),
    from: apiDateTime.optional(),
    to: apiDateTime.optional(),
    observedFrom: apiDateTime.optional(),
    observedTo: apiDateTime.optional(),
    brandId: z.uuid().optional(),
    mentioned: bool.optional(),
    fold: z.enum(['above', 'below']).optional(),
    reachedWithinMs: z.coerce.number().min(0).max(86_400_000).optional(),
    reachedBeforeToken: z.coerce.number().int().min(0).max(1_000_000).optional(),
    firstBrandId: z.uuid().optional(),
    alsoMentionedBrandId: z.uuid().optional(),
    citedDomain: z.string().min(1).max(253).optional(),
    limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(DEFAULT_PAGE_SIZE),
    cursor: z.string().max(200).optional(),
  })
  .strict()
  .superRefine((q, ctx) => {
    if (q.from && q.to && new Date(q.from) >= new Date(q.to)) {
      ctx.addIssue({ code: 'custom', message: 'from must be before to', path: ['from'] });
    }
    if (q.observedFrom && q.observedTo && new Date(q.observedFrom) >= new Date(q.observedTo)) {
      ctx.addIssue({
        code: 'custom',
        message: 'observedFrom must be before observedTo',
        path: ['observedFrom'],
      });
    }
    if (!q.brandId) {
      for (const key of BRAND_SCOPED) {
        if (q[key] !== undefined) {
          ctx.addIssue({ code: 'custom', message: `${key} requires brandId`, path: [key] });
        }
      }
    }
    if (q.fold && q.mentioned === false) {
      ctx.addIssue({
        code: 'custom',
        message: 'fold applies to runs mentioning the brand; it cannot be combined with mentioned=false',
        path: ['fold'],
      });
    }
    if (q.mentioned === false && (q.reachedWithinMs !== undefined || q.reachedBeforeToken !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'reachedWithinMs and reachedBeforeToken select runs mentioning the brand; not with mentioned=false',
        path: ['mentioned'],
      });
    }
  });

export type RunListQuery = z.infer<typeof runListQuerySchema>;

export const runNowSchema = z
  .object({
    engineIds: z.array(z.uuid()).min(1).max(20).optional(),
    samples: z.number().int().min(1).optional(),
  })
  .strict();

export type RunNowInput = z.infer<typeof runNowSchema>;

export const runNowResponseSchema = z.strictObject({
  runIds: z.array(idSchema),
  replayed: z.boolean().describe('true when an earlier request with the same Idempotency-Key answered'),
});

export const runResponseSchema = z.strictObject({
  id: idSchema,
  projectId: idSchema,
  promptId: idSchema,
  promptRevision: z
    .number()
    .int()
    .nullable()
    .describe("the prompt's revision the run asked (null: the prompt was gone before provenance was kept)"),
  engineId: idSchema,
  slotAt: timestampSchema,
  sample: z.number().int(),
  trigger: z.enum(['schedule', 'manual']),
  status: z.enum(RUN_STATUSES),
  synthetic: z.boolean(),
  attempts: z.number().int(),
  failureReason: z.string().nullable(),
  skipReason: z.string().nullable(),
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  ttftMs: msSchema
    .nullable()
    .describe('time to first token, from the request (null until the run has a result)'),
  mentionedBrandIds: z
    .array(idSchema)
    .describe('brands the answer named, in the order they reached the reader (first visible)'),
  firstBrandId: idSchema.nullable().describe('the brand that reached the reader first, if any'),
});
export const runPageResponseSchema = pageResponseSchema(runResponseSchema);

const runResultSchema = z.strictObject({
  complete: z.boolean(),
  answerText: z.string(),
  reasoningText: z.string().nullable(),
  finishReason: z.string().nullable(),
  flags: z.array(z.string()),
  responseModel: z.string().nullable(),
  usage: z.strictObject({
    inputTokens: z.number().int().nullable(),
    outputTokens: z.number().int().nullable(),
  }),
  estimatedCostUsd: z.number().nullable(),
  timings: z.strictObject({
    requestSentAt: timestampSchema,
    headersMs: msSchema.nullable(),
    ttftMs: msSchema.nullable(),
    durationMs: msSchema.nullable(),
  }),
  answerTokens: z.number().int(),
  chunks: z.array(
    z.strictObject({
      index: z.number().int(),
      charStart: z.number().int(),
      charEnd: z.number().int(),
      arrivalMs: msSchema,
    }),
  ),
});

/** What a run ran with, copied when it was created and never changed since (docs/api.md "Run provenance"). */
const provenanceSchema = z.strictObject({
  prompt: z
    .strictObject({ revision: z.number().int(), text: z.string() })
    .nullable()
    .describe('the prompt text the run asked, and its revision'),
  engine: z
    .strictObject({
      provider: z.enum(PROVIDER_KINDS),
      model: z.string(),
      parameters: z.record(z.string(), z.unknown()),
    })
    .nullable()
    .describe("the engine's provider kind, model and parameters (never its credential)"),
  scoring: z
    .strictObject({ foldTokens: z.number().int(), halfLifeMs: z.number().int() })
    .nullable()
    .describe("the project's scoring settings the run was scored with (a backfill rescores with these)"),
});

export const runDetailResponseSchema = runResponseSchema.extend({
  failureMessage: z.string().nullable(),
  provenance: provenanceSchema,
  result: runResultSchema.nullable(),
  mentions: z.array(
    z.strictObject({
      brandId: idSchema,
      matched: z.string(),
      charStart: z.number().int(),
      charEnd: z.number().int(),
      tokenIndex: z.number().int(),
      visibleAtMs: msSchema,
      sinceFirstTokenMs: msSchema,
      relPosition: z.number(),
      sentenceIndex: z.number().int(),
      listRank: z.number().int().nullable(),
      inHeading: z.boolean(),
      inBold: z.boolean(),
      snippet: z.string(),
      sentiment: z
        .enum(['positive', 'neutral', 'negative'])
        .nullable()
        .describe(
          'How the sentence or list item around the mention speaks of the brand (docs/sentiment.md); null on mentions stored before sentiment existed, until a backfill',
        ),
      sentimentScore: z.number().min(-1).max(1).nullable().describe('In [-1, 1]; its sign is the label'),
    }),
  ),
  scores: z.array(runScoreSchema),
  citations: z.array(
    z.strictObject({
      position: z.number().int(),
      url: z.string(),
      domain: z.string(),
      title: z.string().nullable(),
      charStart: z.number().int().nullable(),
      charEnd: z.number().int().nullable(),
      arrivedAtMs: msSchema,
      brandId: idSchema.nullable(),
    }),
  ),
  attemptLog: z.array(
    z.strictObject({
      attempt: z.number().int(),
      startedAt: timestampSchema,
      finishedAt: timestampSchema.nullable(),
      outcome: z.string().nullable(),
      reasonCode: z.string().nullable(),
      httpStatus: z.number().int().nullable(),
      message: z.string().nullable(),
      retryAfterMs: z.number().int().nullable(),
    }),
  ),
});

export const runTokensResponseSchema = z.strictObject({
  runId: idSchema,
  tokenizer: z.string(),
  data: z.array(
    z.strictObject({
      index: z.number().int(),
      text: z.string(),
      charEnd: z.number().int(),
      arrivalMs: msSchema,
    }),
  ),
});
