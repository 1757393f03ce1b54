import { z } from 'zod';
import { idSchema, timestampSchema } from '../../infra/http/response-schemas';
import { GROUP_DIMENSIONS } from '../report-groups';

const num = z.number().nullable();
const ms = z.number().nullable().describe('milliseconds');

/** A rate with its 95% Wilson interval and its n (rate/low/high null when n = 0). */
const rateSchema = z.strictObject({ rate: num, low: num, high: num, n: z.number().int() });
const percentilesSchema = z.strictObject({ p50: num, p90: num });
const brandKind = z.enum(['own', 'competitor']).nullable();
const range = { projectId: idSchema, from: timestampSchema, to: timestampSchema };

/** Query parameters of GET /v1/runs listing the runs behind a figure (src/reports/runs-link.ts). */
export const runsLinkSchema = z
  .strictObject({
    projectId: idSchema,
    synthetic: z.enum(['true', 'false']),
    observedFrom: timestampSchema,
    observedTo: timestampSchema,
    engineIds: z.string().optional(),
    promptIds: z.string().optional(),
    tags: z.string().optional(),
    promptRevision: z.string().optional(),
    brandId: idSchema.optional(),
    mentioned: z.enum(['true', 'false']).optional(),
    fold: z.enum(['above', 'below']).optional(),
    firstBrandId: idSchema.optional(),
    alsoMentionedBrandId: idSchema.optional(),
    citedDomain: z.string().optional(),
  })
  .describe('query parameters of GET /v1/runs that list the runs behind this figure (all strings)');

/** A breakdown group's key: the requested dimensions only, with the names of what they refer to. */
const groupKeySchema = z
  .strictObject({
    engineId: idSchema.optional(),
    engineName: z.string().nullable().optional(),
    promptId: idSchema.optional(),
    promptText: z.string().nullable().optional(),
    tag: z.string().optional(),
    brandId: idSchema.optional(),
    brandName: z.string().nullable().optional(),
    day: timestampSchema.optional().describe('start of the UTC day'),
    week: timestampSchema.optional().describe('start of the ISO week (Monday, UTC)'),
  })
  .describe('the value of each groupBy dimension');

/** `groupBy` and `groups` of a report asked for a breakdown (absent otherwise). */
const groupsOf = <T extends z.ZodRawShape>(rows: T) => {
  const group = z.strictObject({
    key: groupKeySchema,
    n: z.number().int().describe("successful runs in the group (the section's)"),
    ...rows,
    runsQuery: runsLinkSchema.describe('the runs of the group'),
  });
  return {
    groupBy: z.array(z.enum(GROUP_DIMENSIONS)).optional(),
    groups: z.strictObject({ measured: z.array(group), synthetic: z.array(group) }).optional(),
  };
};

const mentionBrandSchema = z.strictObject({
  brandId: idSchema,
  name: z.string().nullable(),
  kind: brandKind,
  n: z.number().int(),
  mentionedRuns: z.number().int(),
  mentionCount: z.number().int(),
  mentionRate: z.strictObject({ rate: num, low: num, high: num }),
  timeToFirstMentionMs: z.strictObject({ p50: ms, p90: ms }),
  firstVisibleAtMs: z.strictObject({ p50: ms, p90: ms }),
  firstTokenIndex: percentilesSchema,
  meanOrder: num,
  aboveFoldRate: rateSchema,
  meanStreamScore: num,
  shareOfVoice: num,
  attentionShareOfVoice: num,
  compatibility: z.strictObject({
    averagePosition: num,
    positionBands: z.strictObject({ top: num, middle: num, bottom: num }).nullable(),
    meanTrakkrPoints: num,
    geo: z.strictObject({
      n: z.number().int(),
      meanWeightedWords: num,
      meanShareOfAnswer: num,
      shareOfBrands: num,
    }),
  }),
  previous: z
    .strictObject({
      n: z.number().int(),
      mentionRate: num,
      meanStreamScore: num,
      shareOfVoice: num,
      aboveFoldRate: num,
      timeToFirstMentionP50Ms: ms,
    })
    .nullable()
    .describe('the previous period of the same length; null when the brand had no data then'),
  change: z.strictObject({
    mentionRatePoints: num,
    meanStreamScore: num,
    shareOfVoicePoints: num,
    aboveFoldRatePoints: num,
    timeToFirstMentionP50Ms: ms,
  }),
  runsQuery: runsLinkSchema,
});

const mentionSectionSchema = (synthetic: boolean) =>
  z.strictObject({
    synthetic: z.literal(synthetic),
    successfulRuns: z.number().int(),
    failedRuns: z.number().int(),
    brands: z.array(mentionBrandSchema),
  });

export const mentionReportResponseSchema = z.strictObject({
  ...range,
  settings: z.strictObject({ foldTokens: z.number().int(), halfLifeMs: z.number().int() }),
  previousPeriod: z.strictObject({ from: timestampSchema, to: timestampSchema }),
  measured: mentionSectionSchema(false),
  synthetic: mentionSectionSchema(true),
  ...groupsOf({ brands: z.array(mentionBrandSchema.omit({ previous: true, change: true })) }),
});

const pairSchema = z.strictObject({
  brandA: z.strictObject({ id: idSchema, name: z.string().nullable() }),
  brandB: z.strictObject({ id: idSchema, name: z.string().nullable() }),
  runs: z.number().int(),
  bothMentioned: z.number().int(),
  onlyA: z.number().int(),
  onlyB: z.number().int(),
  aFirstRate: rateSchema,
  medianLeadMs: ms,
  medianLeadTokens: num,
  runsQuery: runsLinkSchema.describe('runs naming both brands'),
});

export const headToHeadReportResponseSchema = z.strictObject({
  ...range,
  measured: z.array(pairSchema),
  synthetic: z.array(pairSchema),
  ...groupsOf({ pairs: z.array(pairSchema) }),
});

const trendRowSchema = z.strictObject({
  bucket: timestampSchema,
  brandId: idSchema,
  name: z.string().nullable(),
  kind: brandKind,
  n: z.number().int(),
  mentionCount: z.number().int(),
  mentionRate: rateSchema,
  aboveFoldRate: rateSchema,
  meanStreamScore: num,
  shareOfVoice: num.describe("the brand's mentions / all tracked brands' mentions in the bucket"),
  runsQuery: runsLinkSchema,
});

export const trendReportResponseSchema = z.strictObject({
  projectId: idSchema,
  bucket: z.enum(['day', 'week']),
  from: timestampSchema,
  to: timestampSchema,
  measured: z.array(trendRowSchema),
  synthetic: z.array(trendRowSchema),
});

const citationDomainSchema = z.strictObject({
  domain: z.string(),
  brandId: idSchema.nullable(),
  brandName: z.string().nullable(),
  citingRuns: z.number().int(),
  citationCount: z.number().int(),
  citingRate: rateSchema,
  runsQuery: runsLinkSchema,
});

const citationBrandSchema = z.strictObject({
  brandId: idSchema,
  name: z.string().nullable(),
  kind: brandKind,
  n: z.number().int(),
  ownDomainCitedRuns: z.number().int(),
  ownDomainCitationRate: rateSchema,
  mentionedRuns: z.number().int(),
  citedNearMentionRuns: z.number().int(),
  citedNearMentionRate: rateSchema,
});

const citationSectionSchema = (synthetic: boolean) =>
  z.strictObject({
    synthetic: z.literal(synthetic),
    successfulRuns: z.number().int(),
    domains: z.array(citationDomainSchema),
    brands: z.array(citationBrandSchema),
  });

export const citationReportResponseSchema = z.strictObject({
  ...range,
  settings: z.strictObject({ nearMentionChars: z.number().int() }),
  measured: citationSectionSchema(false),
  synthetic: citationSectionSchema(true),
  ...groupsOf({ domains: z.array(citationDomainSchema), brands: z.array(citationBrandSchema) }),
});

const gapDomainSchema = z.strictObject({
  ownBrand: z.strictObject({ id: idSchema, name: z.string().nullable() }),
  domain: z.string(),
  brandId: idSchema.nullable(),
  brandName: z.string().nullable(),
  citingRuns: z.number().int().describe("the own brand's gap runs citing the domain"),
  citationCount: z.number().int(),
  runsQuery: runsLinkSchema.describe('runs not naming the own brand and citing the domain'),
});

const gapSectionSchema = (synthetic: boolean) =>
  z.strictObject({
    synthetic: z.literal(synthetic),
    gaps: z.array(
      z.strictObject({
        ownBrand: z.strictObject({ id: idSchema, name: z.string().nullable() }),
        promptId: idSchema,
        promptText: z.string().nullable(),
        engineId: idSchema,
        engineName: z.string().nullable(),
        n: z.number().int().describe('successful runs of the prompt on the engine'),
        gapRuns: z.number().int().describe('runs naming a competitor and not the own brand'),
        gapRate: rateSchema,
        competitors: z.array(
          z.strictObject({
            brandId: idSchema,
            name: z.string().nullable(),
            runs: z.number().int().describe('gap runs naming this competitor'),
            runsQuery: runsLinkSchema.describe('exactly those runs'),
          }),
        ),
        runsQuery: runsLinkSchema.describe('runs of the prompt on the engine not naming the own brand'),
      }),
    ),
    domains: z.array(gapDomainSchema),
  });

export const gapReportResponseSchema = z.strictObject({
  ...range,
  measured: gapSectionSchema(false),
  synthetic: gapSectionSchema(true),
});

const arrivalPoint = { count: z.number().int(), share: num, lower: num, upper: num };

const arrivalBrandSchema = z.strictObject({
  brandId: idSchema,
  name: z.string().nullable(),
  kind: brandKind,
  n: z.number().int().describe('answers (successful runs) in scope'),
  mentionedRuns: z.number().int(),
  byTime: z
    .array(z.strictObject({ tMs: z.number().int(), ...arrivalPoint }))
    .describe(
      'share of the n answers in which the brand had reached the reader by tMs after the first token',
    ),
  byToken: z
    .array(z.strictObject({ k: z.number().int(), ...arrivalPoint }))
    .describe('share of the n answers whose first mention of the brand starts within the first k tokens'),
  runsQuery: runsLinkSchema,
});

const arrivalSectionSchema = (synthetic: boolean) =>
  z.strictObject({
    synthetic: z.literal(synthetic),
    successfulRuns: z.number().int(),
    brands: z.array(arrivalBrandSchema),
  });

export const arrivalReportResponseSchema = z.strictObject({
  ...range,
  settings: z.strictObject({
    foldTokens: z.number().int(),
    timeGridMs: z.array(z.number().int()),
    tokenGrid: z.array(z.number().int()),
  }),
  measured: arrivalSectionSchema(false),
  synthetic: arrivalSectionSchema(true),
});

const gapDomainsSectionSchema = (synthetic: boolean) =>
  z.strictObject({ synthetic: z.literal(synthetic), domains: z.array(gapDomainSchema) });

export const gapDomainsReportResponseSchema = z.strictObject({
  ...range,
  measured: gapDomainsSectionSchema(false),
  synthetic: gapDomainsSectionSchema(true),
});
