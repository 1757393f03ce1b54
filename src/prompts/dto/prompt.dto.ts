import { z } from 'zod';
import { idSchema, pageResponseSchema, timestampSchema } from '../../infra/http/response-schemas';

export const promptFields = {
  text: z.string().trim().min(1).max(4000),
  tags: z.array(z.string().trim().min(1).max(64)).max(20),
  engineIds: z.array(z.uuid()).min(1).max(20),
  cron: z.string().trim().min(9).max(120),
  timezone: z.string().trim().min(1).max(64),
  samplesPerSlot: z.number().int().min(1),
  active: z.boolean(),
};

export function createPromptSchema(maxSamples: number) {
  return z
    .object({
      ...promptFields,
      tags: promptFields.tags.default([]),
      timezone: promptFields.timezone.default('UTC'),
      samplesPerSlot: promptFields.samplesPerSlot.max(maxSamples).default(1),
      active: promptFields.active.default(true),
    })
    .strict();
}

export function updatePromptSchema(maxSamples: number) {
  return z
    .object({ ...promptFields, samplesPerSlot: promptFields.samplesPerSlot.max(maxSamples) })
    .partial()
    .strict();
}

export type CreatePromptInput = z.infer<ReturnType<typeof createPromptSchema>>;
export type UpdatePromptInput = z.infer<ReturnType<typeof updatePromptSchema>>;

export interface PromptView {
  id: string;
  projectId: string;
  text: string;
  revision: number;
  tags: string[];
  engineIds: string[];
  cron: string;
  timezone: string;
  samplesPerSlot: number;
  active: boolean;
  nextSlotAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export const promptResponseSchema = z.strictObject({
  id: idSchema,
  projectId: idSchema,
  text: z.string(),
  revision: z
    .number()
    .int()
    .describe('1 at creation, +1 each time the text changes; each run records the revision it asked'),
  tags: z.array(z.string()),
  engineIds: z.array(idSchema),
  cron: z.string(),
  timezone: z.string(),
  samplesPerSlot: z.number().int(),
  active: z.boolean(),
  nextSlotAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export const promptPageResponseSchema = pageResponseSchema(promptResponseSchema);
