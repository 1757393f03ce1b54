import { type z } from 'zod';
import { ApiError } from './api-error';

/** Parses input with a zod schema; failures become a 400 listing every offending field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, where = 'body'): z.infer<T> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const summary = details.map((d) => `${d.path}: ${d.message}`).join('; ');
  throw ApiError.validation(`Invalid ${where}: ${summary}`, details);
}
