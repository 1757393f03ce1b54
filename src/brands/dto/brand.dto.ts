import { z } from 'zod';
import { idSchema, pageResponseSchema, timestampSchema } from '../../infra/http/response-schemas';

/** Each rule left out takes its default (docs/metrics.md, "Detection rules"). */
const aliasSchema = z
  .object({
    text: z.string().trim().min(1).max(200),
    caseSensitive: z.boolean().optional(),
    foldDiacritics: z.boolean().optional(),
    optionalPunctuation: z.boolean().optional(),
    inCompounds: z.boolean().optional(),
  })
  .strict();

/** Accepts `acme.com`, `www.acme.com` or `https://acme.com/`; stores the bare lower-case host. */
const domainSchema = z
  .string()
  .trim()
  .max(253)
  .transform((v) =>
    v
      .toLowerCase()
      .replace(/^https?:\/\//, '')
      .replace(/\/.*$/, '')
      .replace(/^www\./, ''),
  )
  .pipe(
    z
      .string()
      .regex(
        /^(?=.{1,253}$)([a-z0-9\p{L}]([a-z0-9\p{L}-]{0,61}[a-z0-9\p{L}])?\.)+[a-z\p{L}][a-z0-9\p{L}-]{0,61}$/u,
        'must be a domain name like acme.com',
      ),
  );

const brandFields = {
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['own', 'competitor']),
  aliases: z.array(aliasSchema).max(50),
  exclusions: z.array(z.string().trim().min(1).max(200)).max(50),
  domains: z.array(domainSchema).max(20),
  ambiguous: z.boolean(),
};

export const createBrandSchema = z
  .object({
    ...brandFields,
    aliases: brandFields.aliases.default([]),
    exclusions: brandFields.exclusions.default([]),
    domains: brandFields.domains.default([]),
    ambiguous: brandFields.ambiguous.default(false),
  })
  .strict();

export const updateBrandSchema = z.object(brandFields).partial().strict();

export type AliasInput = z.infer<typeof aliasSchema>;
export type CreateBrandInput = z.infer<typeof createBrandSchema>;
export type UpdateBrandInput = z.infer<typeof updateBrandSchema>;

export interface BrandView {
  id: string;
  projectId: string;
  name: string;
  kind: 'own' | 'competitor';
  aliases: AliasInput[];
  exclusions: string[];
  domains: string[];
  ambiguous: boolean;
  createdAt: string;
  updatedAt: string;
}

export const brandResponseSchema = z.strictObject({
  id: idSchema,
  projectId: idSchema,
  name: z.string(),
  kind: z.enum(['own', 'competitor']),
  aliases: z.array(
    z.strictObject({
      text: z.string(),
      caseSensitive: z.boolean().optional(),
      foldDiacritics: z.boolean().optional(),
      optionalPunctuation: z.boolean().optional(),
      inCompounds: z.boolean().optional(),
    }),
  ),
  exclusions: z.array(z.string()),
  domains: z.array(z.string()),
  ambiguous: z.boolean(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export const brandPageResponseSchema = pageResponseSchema(brandResponseSchema);

/** A created or updated brand, with the backfill its change queued (history recomputed with it). */
export const brandWriteResponseSchema = brandResponseSchema.extend({
  backfillId: idSchema
    .nullable()
    .describe('the backfill recomputing the project history with this change (GET /v1/backfills/{id})'),
});
export type BrandWriteView = BrandView & { backfillId: string | null };
