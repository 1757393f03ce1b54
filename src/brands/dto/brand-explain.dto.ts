import { z } from 'zod';
import { idSchema } from '../../infra/http/response-schemas';
import { createBrandSchema } from './brand.dto';

/** An explanation runs the matcher synchronously on the API: answers are a few thousand characters. */
export const MAX_EXPLAIN_TEXT = 20_000;
export const MAX_EXPLAIN_BRANDS = 100;

export const explainRequestSchema = z
  .object({
    text: z.string().min(1).max(MAX_EXPLAIN_TEXT),
    /** Draft brands, in the create-brand shape, instead of the project's. */
    brands: z.array(createBrandSchema).min(1).max(MAX_EXPLAIN_BRANDS).optional(),
  })
  .strict();
export type ExplainRequest = z.infer<typeof explainRequestSchema>;

export const NEAR_MISS_RULES = [
  'word-boundary',
  'hyphen-compound',
  'lowercase',
  'case',
  'diacritics',
  'url',
  'overlap',
  'repeated-link',
] as const;

/** The brand a span belongs to: a project brand's id, or null and the name for a draft. */
const spanFields = {
  brandId: idSchema.nullable(),
  brandName: z.string(),
  /** The alias, domain or exclusion as configured. */
  alias: z.string(),
  charStart: z.number().int(),
  charEnd: z.number().int(),
  /** The text of the span. */
  text: z.string(),
};

export const explainResponseSchema = z.strictObject({
  answerTokens: z.number().int(),
  mentions: z.array(
    z.strictObject({
      ...spanFields,
      tokenIndex: z.number().int(),
      relPosition: z.number(),
      sentenceIndex: z.number().int(),
      listRank: z.number().int().nullable(),
      inHeading: z.boolean(),
      inBold: z.boolean(),
      snippet: z.string(),
    }),
  ),
  excluded: z.array(z.strictObject({ ...spanFields, exclusion: z.string() })),
  nearMisses: z.array(
    z.strictObject({ ...spanFields, rule: z.enum(NEAR_MISS_RULES), by: z.string().nullable() }),
  ),
});
export type ExplainResponse = z.infer<typeof explainResponseSchema>;
