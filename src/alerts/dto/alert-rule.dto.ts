import { z } from 'zod';

/** Windows up to 90 days: the evaluation reads two windows, so at most 180 days of scores. */
export const MAX_WINDOW_HOURS = 24 * 90;

const windowHours = z.number().int().min(1).max(MAX_WINDOW_HOURS).default(168);
const minRuns = z.number().int().min(1).max(100_000).default(10);
const points = z.number().gt(0).max(100);
const hysteresis = z.number().min(0).max(100);

const mentionRateDropParams = z
  .object({
    brandId: z.uuid().optional(),
    windowHours,
    dropPoints: points,
    minRuns,
    hysteresisPoints: hysteresis.optional(),
  })
  .strict()
  .refine((p) => p.hysteresisPoints === undefined || p.hysteresisPoints <= p.dropPoints, {
    message: 'hysteresisPoints must not exceed dropPoints',
    path: ['hysteresisPoints'],
  })
  .transform((p) => ({ ...p, hysteresisPoints: p.hysteresisPoints ?? p.dropPoints / 2 }));

const competitorOvertakeParams = z
  .object({
    brandId: z.uuid().optional(),
    competitorId: z.uuid(),
    windowHours,
    minRuns,
    hysteresisPoints: hysteresis.max(50).default(10),
  })
  .strict()
  .refine((p) => p.brandId !== p.competitorId, {
    message: 'competitorId must differ from brandId',
    path: ['competitorId'],
  });

const aboveFoldChangeParams = z
  .object({
    brandId: z.uuid().optional(),
    windowHours,
    thresholdPercent: z.number().gt(0).lt(100),
    direction: z.enum(['entering', 'leaving', 'both']).default('both'),
    minRuns,
    hysteresisPoints: hysteresis.default(10),
  })
  .strict();

const firstOwnDomainCitationParams = z.object({ brandId: z.uuid().optional() }).strict();

/** Parameters per kind; brand ids are checked against the project by the service. */
export const alertParamsSchemas = {
  mention_rate_drop: mentionRateDropParams,
  competitor_overtake: competitorOvertakeParams,
  above_fold_change: aboveFoldChangeParams,
  first_own_domain_citation: firstOwnDomainCitationParams,
} as const;

export const ALERT_RULE_KINDS = [
  'mention_rate_drop',
  'competitor_overtake',
  'above_fold_change',
  'first_own_domain_citation',
] as const;
export type AlertRuleKindName = (typeof ALERT_RULE_KINDS)[number];

const name = z.string().trim().min(1).max(200);
const ruleOf = <K extends AlertRuleKindName>(kind: K) =>
  z
    .object({
      name,
      kind: z.literal(kind),
      enabled: z.boolean().default(true),
      params: alertParamsSchemas[kind],
    })
    .strict();

export const createAlertRuleSchema = z.discriminatedUnion('kind', [
  ruleOf('mention_rate_drop'),
  ruleOf('competitor_overtake'),
  ruleOf('above_fold_change'),
  ruleOf('first_own_domain_citation'),
]);

/** `params` replaces the rule's parameters as a whole and is validated against the rule's kind. */
export const updateAlertRuleSchema = z
  .object({ name, enabled: z.boolean(), params: z.record(z.string(), z.unknown()) })
  .partial()
  .strict();

export type CreateAlertRuleInput = z.infer<typeof createAlertRuleSchema>;
export type UpdateAlertRuleInput = z.infer<typeof updateAlertRuleSchema>;
export type AlertParams = z.infer<(typeof alertParamsSchemas)[AlertRuleKindName]>;

const isoTime = z.string();
const figuresSchema = z.record(z.string(), z.union([z.number(), z.string(), z.array(z.string())]).nullable());

export const alertRuleResponseSchema = z.object({
  id: z.uuid(),
  projectId: z.uuid(),
  name: z.string(),
  kind: z.enum(ALERT_RULE_KINDS),
  enabled: z.boolean(),
  /** The parameters with their defaults filled in. */
  params: z.record(z.string(), z.unknown()),
  state: z.object({
    firing: z.boolean(),
    side: z.enum(['above', 'below']).nullable(),
    lastValue: z.number().nullable(),
    lastEvaluatedAt: isoTime.nullable(),
    lastRunId: z.uuid().nullable(),
    lastTriggeredAt: isoTime.nullable(),
    lastError: z.string().nullable(),
  }),
  createdAt: isoTime,
  updatedAt: isoTime,
});

export const alertRulePageResponseSchema = z.object({
  data: z.array(alertRuleResponseSchema),
  nextCursor: z.string().nullable(),
});

export const alertEventResponseSchema = z.object({
  id: z.uuid(),
  ruleId: z.uuid(),
  ruleName: z.string(),
  projectId: z.uuid(),
  kind: z.enum(ALERT_RULE_KINDS),
  transition: z.enum(['fired', 'entering', 'leaving', 'first_citation']),
  runId: z.uuid(),
  synthetic: z.boolean(),
  figures: figuresSchema,
  triggeredAt: isoTime,
});

export const alertEventPageResponseSchema = z.object({
  data: z.array(alertEventResponseSchema),
  nextCursor: z.string().nullable(),
});

export type AlertRuleView = z.infer<typeof alertRuleResponseSchema>;
export type AlertEventView = z.infer<typeof alertEventResponseSchema>;
