import { applyDecorators, Header, Logger, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiProduces, ApiQuery } from '@nestjs/swagger';
import { type Request, type Response } from 'express';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { type Page } from '../pagination';
import { parseInput } from '../zod-body';
import { openApiSchema } from '../openapi-schema';
import { type CsvWriter } from './csv-writer';

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';
/** Hard cap on the rows of one streamed CSV export. */
export const MAX_CSV_ROWS = 100_000;

export type ResponseFormat = 'json' | 'csv';

const formatSchema = z.object({ format: z.enum(['json', 'csv']).optional() });

const logger = new Logger('csv');

/**
 * Splits `format` off a raw query, so that the route's own strict schema still rejects every other unknown
 * parameter. An invalid `format` is a 400 at `query.format`.
 */
export function takeFormat(query: unknown): {
  format: ResponseFormat | undefined;
  rest: Record<string, unknown>;
} {
  const { format, ...rest } = (query ?? {}) as Record<string, unknown>;
  return { format: parseInput(formatSchema, { format }, 'query').format, rest };
}

/** `?format=` wins; otherwise content negotiation on `Accept` (JSON unless the client prefers `text/csv`). */
export function wantsCsv(format: ResponseFormat | undefined, req: Pick<Request, 'accepts'>): boolean {
  if (format) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv';
}

const disposition = (filename: string) => `attachment; filename="${filename.replace(/["\\\r\n]/g, '_')}"`;

/** A complete, in-memory CSV document as the response. */
export function csvFile(filename: string, body: string): StreamableFile {
  return new StreamableFile(Buffer.from(body, 'utf8'), {
    type: CSV_CONTENT_TYPE,
    disposition: disposition(filename),
  }).setErrorHandler(onStreamError);
}

/** A CSV produced chunk by chunk as the response (piped with backpressure; aborted if the client leaves). */
export function csvStream(filename: string, chunks: AsyncIterable<string>): StreamableFile {
  return new StreamableFile(Readable.from(chunks), {
    type: CSV_CONTENT_TYPE,
    disposition: disposition(filename),
  }).setErrorHandler(onStreamError);
}

/** A failure after the first byte aborts the connection, so a truncated export never looks complete. */
function onStreamError(err: Error, handlerRes: Parameters<StreamableFile['errorHandler']>[1]): void {
  const res = handlerRes as unknown as Response; // the HTTP platform is Express
  logger.error({ err }, 'CSV export failed');
  if (res.destroyed) return;
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.removeHeader('Content-Disposition');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.status(500).json({ error: { code: 'internal_error', message: 'Internal server error' } });
}

/**
 * Header, then the rows of `first` and of every following page (fetched by keyset cursor only once the
 * previous chunk has been consumed), stopping after `maxRows` rows.
 */
export async function* pagedCsv<T>(
  writer: CsvWriter<T>,
  first: Page<T>,
  next: (cursor: string) => Promise<Page<T>>,
  maxRows = MAX_CSV_ROWS,
): AsyncGenerator<string> {
  yield writer.header();
  let page = first;
  let written = 0;
  for (;;) {
    const rows = page.data.slice(0, Math.max(0, maxRows - written));
    if (rows.length > 0) yield writer.rows(rows);
    written += rows.length;
    if (page.nextCursor === null || written >= maxRows) return;
    page = await next(page.nextCursor);
  }
}

/** OpenAPI (the JSON body's schema and the CSV alternative) + `Vary` for a route that also answers in CSV. */
export const ApiCsvFormat = (json: z.ZodType) =>
  applyDecorators(
    ApiQuery({
      name: 'format',
      required: false,
      enum: ['json', 'csv'],
      description:
        'Response format (default json). `Accept: text/csv` also selects CSV; `format` wins. Columns: docs/csv.md',
    }),
    ApiProduces('application/json', 'text/csv'),
    ApiOkResponse({
      description:
        'JSON, or CSV (`text/csv; charset=utf-8`, RFC 4180) with `format=csv` / `Accept: text/csv`',
      content: {
        'application/json': { schema: openApiSchema(json) },
        'text/csv': { schema: { type: 'string' } },
      },
    }),
    Header('Vary', 'Accept'),
  );
