import { z } from 'zod';

// Building blocks of the response schemas (each feature's `dto/` holds its `xxxResponseSchema`). Response
// schemas are strict objects: the OpenAPI document then says `additionalProperties: false` and every field is
// required (nullable where it may be null), so a renamed, missing or extra field fails the spec tests.

/** An instant as the API renders it: `Date#toISOString()`. */
export const timestampSchema = z.iso.datetime();
export const idSchema = z.uuid();

/** A keyset page of `item`: `{ data, nextCursor }`. */
export const pageResponseSchema = <T extends z.ZodType>(item: T) =>
  z.strictObject({ data: z.array(item), nextCursor: z.string().nullable() });

/** `{ data }` without paging (short lists). */
export const listResponseSchema = <T extends z.ZodType>(item: T) => z.strictObject({ data: z.array(item) });

/** Every 4xx/5xx body (ApiError and the exception filter). `details` only on some validation errors. */
export const errorBodySchema = z.strictObject({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});

/** OpenAPI `content` of a Server-Sent Events response (`event:`/`id:`/`data:` frames, JSON data). */
export const sseContent = {
  'text/event-stream': {
    schema: { type: 'string', description: 'event: <type>\\nid: <id>\\ndata: <JSON>\\n\\n frames' },
  },
} as const;
