import { openApiSchema } from './openapi-schema';
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

/**
 * OpenAPI `content` of a Server-Sent Events response (`event:`/`id:`/`data:` frames, JSON data). OpenAPI 3.0
 * cannot describe the frames themselves, so the JSON schema of each event type's `data` is listed under the
 * `x-sse-events` extension (event name to schema).
 */
export function sseContent(events: Record<string, z.ZodType>) {
  return {
    'text/event-stream': {
      schema: { type: 'string', description: 'event: <type>\\nid: <id>\\ndata: <JSON>\\n\\n frames' },
      'x-sse-events': Object.fromEntries(
        Object.entries(events).map(([name, schema]) => [name, openApiSchema(schema)]),
      ),
    },
  };
}
