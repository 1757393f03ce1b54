// Composite decorators for the CRUD controllers: a route's OpenAPI documentation comes from the same zod
// schemas that validate it, in one short decorator per concern.
import { applyDecorators, Delete, HttpCode, Param } from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '@nestjs/swagger';
import { type z } from 'zod';
import { ApiPageQuery } from './api-page-query.decorator';
import { openApiSchema } from './openapi-schema';
import { ParseIdPipe } from './parse-id.pipe';

/** The route parameter `name` holds the id of a `what`: a malformed id answers 404 (see ParseIdPipe). */
export const IdParam = (name: string, what: string): ParameterDecorator => Param(name, new ParseIdPipe(what));

/** The JSON request body, documented by the schema that parses it. */
export const ApiBodySchema = (schema: z.ZodType) => ApiBody({ schema: openApiSchema(schema) });

/** A 200 answer whose JSON body the schema describes. */
export const ApiOkSchema = (schema: z.ZodType) => ApiOkResponse({ schema: openApiSchema(schema) });

/** A 201 answer whose JSON body the schema describes. */
export const ApiCreatedSchema = (schema: z.ZodType) => ApiCreatedResponse({ schema: openApiSchema(schema) });

/** A paginated list: the `limit` and `cursor` query parameters and a 200 answer with one page. */
export const ApiPage = (pageSchema: z.ZodType) => applyDecorators(ApiPageQuery(), ApiOkSchema(pageSchema));

/** DELETE at `path`, answering 204 with no body. */
export const DeleteNoContent = (path: string) =>
  applyDecorators(Delete(path), HttpCode(204), ApiNoContentResponse({ description: 'Deleted' }));
