import { z } from 'zod';
import { idSchema, pageResponseSchema, timestampSchema } from '../../infra/http/response-schemas';

export const PROVIDER_KINDS = [
  'openai',
  'anthropic',
  'gemini',
  'perplexity',
  'openai-compatible',
  'demo',
] as const;
export type ProviderKindName = (typeof PROVIDER_KINDS)[number];

export const engineParametersSchema = z
  .object({
    temperature: z.number().min(0).max(2),
    maxTokens: z.number().int().min(1).max(32_000),
    systemPrompt: z.string().max(8000),
    webSearch: z.boolean(),
    region: z.string().trim().max(64),
    /** openai: which API to call. */
    api: z.enum(['chat', 'responses']),
    /** demo: seed for reproducible synthetic answers. */
    seed: z.string().max(200),
    /** openai-compatible: speak Ollama's native /api/chat (NDJSON) instead of Chat Completions. */
    ollamaNative: z.boolean(),
    /** anthropic, gemini, ollama: thinking budget in tokens (thinking is kept apart from the answer). */
    thinkingBudgetTokens: z.number().int().min(0).max(64_000),
  })
  .partial()
  .strict();

export type EngineParameters = z.infer<typeof engineParametersSchema>;

const baseUrlSchema = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2000)
  // zod 4 still runs this refine when z.url() has already failed, and `new URL` then threw (a 500 for any
  // non-URL string): skip unparseable input, whose error z.url() has reported.
  .refine(
    (u) => !URL.canParse(u) || (!new URL(u).username && !new URL(u).password),
    'must not embed credentials',
  )
  // Paths are appended to the base URL (`{baseUrl}/chat/completions`): a query or fragment would end up in
  // the middle of the request URL, or silently drop the path.
  .refine((u) => !u.includes('?') && !u.includes('#'), 'must not have a query string or fragment')
  .transform((u) => u.replace(/\/+$/, ''));

const engineFields = {
  name: z.string().trim().min(1).max(200),
  provider: z.enum(PROVIDER_KINDS),
  model: z.string().trim().min(1).max(200),
  parameters: engineParametersSchema,
  baseUrl: baseUrlSchema.nullable(),
  credential: z.string().min(1).max(4000).nullable(),
  /** Streams open at once against this engine, across every worker; null = unlimited. */
  maxConcurrency: z.number().int().min(1).max(10_000).nullable(),
  /** Provider calls per sliding minute against this engine, across every worker; null = unlimited. */
  maxRequestsPerMinute: z.number().int().min(1).max(1_000_000).nullable(),
};

const createEngineObject = z
  .object({
    ...engineFields,
    parameters: engineFields.parameters.default({}),
    baseUrl: engineFields.baseUrl.optional(),
    credential: engineFields.credential.optional(),
    maxConcurrency: engineFields.maxConcurrency.optional(),
    maxRequestsPerMinute: engineFields.maxRequestsPerMinute.optional(),
  })
  .strict();

type EngineKindFields = Pick<z.infer<typeof createEngineObject>, 'provider' | 'baseUrl' | 'credential'>;

/** What each provider kind needs: a base URL for openai-compatible, a key for the hosted ones, none for demo. */
function checkKindFields(e: EngineKindFields, ctx: z.RefinementCtx): void {
  if (e.provider === 'openai-compatible' && !e.baseUrl) {
    ctx.addIssue({
      code: 'custom',
      path: ['baseUrl'],
      message: 'is required for openai-compatible engines',
    });
  }
  if (e.provider === 'demo' && (e.baseUrl || e.credential)) {
    ctx.addIssue({
      code: 'custom',
      path: ['provider'],
      message: 'demo engines take no baseUrl or credential',
    });
  }
  const needsKey = e.provider !== 'demo' && e.provider !== 'openai-compatible';
  if (needsKey && !e.credential) {
    ctx.addIssue({
      code: 'custom',
      path: ['credential'],
      message: `is required for ${e.provider} engines`,
    });
  }
}

export const createEngineSchema = createEngineObject.superRefine(checkKindFields);

/** An unsaved configuration to test (POST /v1/engines/test): the create body, its name optional. */
export const testEngineDraftSchema = createEngineObject
  .extend({ name: engineFields.name.optional() })
  .superRefine(checkKindFields);

/** `provider` is fixed at creation: measurements of one engine must stay comparable. */
export const updateEngineSchema = z
  .object({
    ...engineFields,
    provider: z.never().optional(),
    /**
     * `true` clears `disabledReason` (an engine is disabled when its credential is rejected) without
     * re-entering the credential; `false` disables the engine by hand.
     */
    enabled: z.boolean(),
  })
  .partial()
  .strict();

export type CreateEngineInput = z.infer<typeof createEngineSchema>;
export type UpdateEngineInput = z.infer<typeof updateEngineSchema>;
export type TestEngineDraftInput = z.infer<typeof testEngineDraftSchema>;

/** What a test connection can end in (POST /v1/engines/:id/test); `ok` is the only success. */
export const ENGINE_TEST_OUTCOMES = [
  'ok',
  'auth',
  'quota',
  'rate_limited',
  'unreachable',
  'egress_refused',
  'timeout',
  'invalid_request',
  'server_error',
  'stream_error',
] as const;
export type EngineTestOutcome = (typeof ENGINE_TEST_OUTCOMES)[number];

export const engineTestResponseSchema = z.strictObject({
  outcome: z.enum(ENGINE_TEST_OUTCOMES),
  /** The provider's error class (ProviderError code) when the call failed. */
  errorCode: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  /** In words, the credential scrubbed; the provider's own message quoted when it sent one. */
  message: z.string(),
  /** From sending the request to the end of the exchange. */
  latencyMs: z.number().int().nullable(),
  /** From sending the request to the first answer text. */
  ttftMs: z.number().int().nullable(),
  /** The model the provider says answered, when it said. */
  model: z.string().nullable(),
  /** The start of the answer (at most 200 characters). */
  reply: z.string().nullable(),
});
export type EngineTestView = z.infer<typeof engineTestResponseSchema>;

/** The prompts that ask an engine (deleting the engine removes it from them). */
export const enginePromptsResponseSchema = z.strictObject({
  data: z.array(
    z.strictObject({
      id: idSchema,
      projectId: idSchema,
      projectName: z.string(),
      text: z.string(),
      /** How many engines the prompt has, this one included: 1 means it is left with none. */
      engineCount: z.number().int(),
    }),
  ),
  total: z.number().int(),
});
export type EnginePromptsView = z.infer<typeof enginePromptsResponseSchema>;

export interface EngineView {
  id: string;
  name: string;
  provider: ProviderKindName;
  model: string;
  parameters: EngineParameters;
  baseUrl: string | null;
  /** Credentials are write-only: only whether one is set and its last 4 characters. */
  credential: { set: boolean; last4: string | null };
  synthetic: boolean;
  disabledReason: string | null;
  maxConcurrency: number | null;
  maxRequestsPerMinute: number | null;
  createdAt: string;
  updatedAt: string;
}

export const engineResponseSchema = z.strictObject({
  id: idSchema,
  name: z.string(),
  provider: z.enum(PROVIDER_KINDS),
  model: z.string(),
  parameters: engineParametersSchema,
  baseUrl: z.string().nullable(),
  credential: z.strictObject({ set: z.boolean(), last4: z.string().nullable() }),
  synthetic: z.boolean(),
  disabledReason: z.string().nullable(),
  maxConcurrency: z.number().int().nullable(),
  maxRequestsPerMinute: z.number().int().nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
export const enginePageResponseSchema = pageResponseSchema(engineResponseSchema);
