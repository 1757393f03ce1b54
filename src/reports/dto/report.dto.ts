import { z } from 'zod';
import { idSchema, timestampSchema } from '../../infra/http/response-schemas';

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
    brandId: idSchema.optional(),
    mentioned: z.enum(['true', 'false']).optional(),
    fold: z.enum(['above', 'below']).optional(),
    firstBrandId: idSchema.optional(),
    alsoMentionedBrandId: idSchema.optional(),
    citedDomain: z.string().optional(),
  })
  .describe('query parameters of GET /v1/runs that list the runs behind this figure (all strings)');

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

const citationSectionSchema = (synthetic: boolean) =>
  z.strictObject({
    synthetic: z.literal(synthetic),
    successfulRuns: z.number().int(),
    domains: z.array(
      z.strictObject({
        domain: z.string(),
        brandId: idSchema.nullable(),
        brandName: z.string().nullable(),
        citingRuns: z.number().int(),
        citationCount: z.number().int(),
        citingRate: rateSchema,
        runsQuery: runsLinkSchema,
      }),
    ),
    brands: z.array(
      z.strictObject({
        brandId: idSchema,
        name: z.string().nullable(),
        kind: brandKind,
        n: z.number().int(),
        ownDomainCitedRuns: z.number().int(),
        ownDomainCitationRate: rateSchema,
        mentionedRuns: z.number().int(),
        citedNearMentionRuns: z.number().int(),
        citedNearMentionRate: rateSchema,
      }),
    ),
  });

export const citationReportResponseSchema = z.strictObject({
  ...range,
  settings: z.strictObject({ nearMentionChars: z.number().int() }),
  measured: citationSectionSchema(false),
  synthetic: citationSectionSchema(true),
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
