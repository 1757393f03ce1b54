import { z } from 'zod';
import { idSchema, pageResponseSchema, timestampSchema } from '../../infra/http/response-schemas';

export const createProjectSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    foldTokens: z.number().int().min(1).max(100_000).default(150),
    halfLifeMs: z.number().int().min(100).max(3_600_000).default(10_000),
  })
  .strict();

export const updateProjectSchema = z
  .object({
    name: z.string().trim().min(1).max(200),
    foldTokens: z.number().int().min(1).max(100_000),
    halfLifeMs: z.number().int().min(100).max(3_600_000),
  })
  .partial()
  .strict();

export type CreateProjectInput = z.infer<typeof createProjectSchema>;
export type UpdateProjectInput = z.infer<typeof updateProjectSchema>;

export interface ProjectView {
  id: string;
  name: string;
  foldTokens: number;
  halfLifeMs: number;
  createdAt: string;
  updatedAt: string;
}

export const projectResponseSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  foldTokens: z.number().int(),
  halfLifeMs: z.number().int(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export const projectPageResponseSchema = pageResponseSchema(projectResponseSchema);
