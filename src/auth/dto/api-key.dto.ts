import { z } from 'zod';
import { idSchema, listResponseSchema, timestampSchema } from '../../infra/http/response-schemas';

export const apiKeyResponseSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  role: z.enum(['admin', 'read']),
  prefix: z.string(),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
});
export const createdApiKeyResponseSchema = apiKeyResponseSchema.extend({
  key: z.string().describe('The key itself, shown exactly once'),
});
export const apiKeyListResponseSchema = listResponseSchema(apiKeyResponseSchema);
