import { z } from 'zod';
import { idSchema, timestampSchema } from '../../infra/http/response-schemas';

export const signInBodySchema = z
  .object({ apiKey: z.string().min(1).max(512).describe('An API key: sr_<prefix>_<secret>') })
  .strict();

export const sessionResponseSchema = z.strictObject({
  workspaceId: idSchema,
  role: z.enum(['admin', 'read']).describe("The session acts with its key's role"),
  keyName: z.string(),
  keyPrefix: z.string(),
  csrfToken: z.string().describe('Send it back in X-CSRF-Token on every write made with the session cookie'),
  expiresAt: timestampSchema.describe('Absolute: sessions are not extended by use'),
});

export const signInLinkResponseSchema = z.strictObject({
  url: z
    .string()
    .describe('Path of the single-use link (`/v1/sessions/link?token=...`), relative to the app'),
  expiresAt: timestampSchema,
});
