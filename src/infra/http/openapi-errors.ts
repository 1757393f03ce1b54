import { type OpenAPIObject } from '@nestjs/swagger';
import { openApiSchema } from './openapi-schema';
import { errorBodySchema } from './response-schemas';

export const ERROR_SCHEMA_NAME = 'ErrorBody';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/**
 * Adds the shared error body `{ error: { code, message } }` as a component and documents it on every
 * operation as the `4XX` and `5XX` responses (explicitly documented statuses, e.g. a 503 readiness body, win).
 */
export function withErrorResponses(doc: OpenAPIObject): OpenAPIObject {
  const components = doc.components ?? {};
  doc.components = {
    ...components,
    schemas: { ...components.schemas, [ERROR_SCHEMA_NAME]: openApiSchema(errorBodySchema) },
  };
  const ref = { $ref: `#/components/schemas/${ERROR_SCHEMA_NAME}` };
  for (const item of Object.values(doc.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      op.responses = {
        ...op.responses,
        '4XX': { description: 'Client error', content: { 'application/json': { schema: ref } } },
        '5XX': {
          description: 'Server error or a backing service unavailable (503)',
          content: { 'application/json': { schema: ref } },
        },
      };
    }
  }
  return doc;
}
