import { z } from 'zod';
import { idSchema, timestampSchema } from '../../infra/http/response-schemas';

const num = z.number().nullable();
const ms = z.number().nullable().describe('milliseconds');

/** A rate with its 95% Wilson interval and its n (rate/low/high null when n = 0). */
const rateSchema = z.strictObject({ rate: num, low: num, high: num, n: z.number().int() });
const percentilesSchema = z.strictObject({ p50: num, p90: num });
const brandKind = z.enum(['own', 'competitor']).nullable();
const range = { projectId: idSchema, from: timestampSchema, to: timestampSchema };

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
    .strictObject({ n: z.number().int(), mentionRate: num, meanStreamScore: num, shareOfVoice: num })
    .nullable()
    .describe('the previous period of the same length; null when the brand had no data then'),
  change: z.strictObject({ mentionRatePoints: num, meanStreamScore: num, shareOfVoicePoints: num }),
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
});

export const headToHeadReportResponseSchema = z.strictObject({
  ...range,
  measured: z.array(pairSchema),
  synthetic: z.array(pairSchema),
});

const trendRowSchema = z.strictObject({
  bucket: timestampSchema,
  brandId: idSchema,
  n: z.number().int(),
  mentionCount: z.number().int(),
  mentionRate: rateSchema,
  meanStreamScore: num,
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
