import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import { type Response } from 'express';
import { Prisma } from '../../generated/prisma/client';
import { ApiError, type ApiErrorBody } from './api-error';

interface BodyParserError {
  type?: string;
  status?: number;
  expose?: boolean;
}

const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
/** A Postgres restart or failover takes seconds; a client that waits this long usually finds it back. */
const RETRY_AFTER_SECONDS = 5;

/**
 * Renders every error as `{ error: { code, message } }`. Unknown errors become a 500 whose details are
 * logged, never sent. Database unavailability becomes a quick 503 rather than a hang or a 500.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    if (res.headersSent) {
      res.end();
      return;
    }
    const [status, body] = this.render(exception);
    if (status >= 500) this.logger.error({ err: exception }, 'request failed');
    if (body.error.code === 'service_unavailable' && !res.getHeader('Retry-After')) {
      res.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
    }
    res.status(status).json(body);
  }

  private render(exception: unknown): [number, ApiErrorBody] {
    if (exception instanceof ApiError) {
      return [exception.getStatus(), exception.getResponse() as ApiErrorBody];
    }
    // The Express adapter wraps body-parser errors in an HttpException; the original says what went wrong.
    const bp = (exception instanceof HttpException ? exception.cause : exception) as
      BodyParserError | undefined;
    if (
      bp &&
      typeof bp === 'object' &&
      bp.expose &&
      typeof bp.status === 'number' &&
      bp.type?.startsWith('entity.')
    ) {
      if (bp.type === 'entity.too.large') {
        return [
          413,
          { error: { code: 'payload_too_large', message: 'Request body exceeds the size limit' } },
        ];
      }
      if (bp.type === 'entity.parse.failed') {
        return [400, { error: { code: 'invalid_json', message: 'Request body is not valid JSON' } }];
      }
      return [bp.status, { error: { code: 'bad_request', message: 'Malformed request body' } }];
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = status === 404 ? 'not_found' : status === 405 ? 'method_not_allowed' : `http_${status}`;
      const message = status === 404 ? 'No such route' : exception.message;
      return [status, { error: { code, message } }];
    }
    if (exception instanceof Prisma.PrismaClientKnownRequestError) {
      if (exception.code === 'P2002') {
        return [
          409,
          { error: { code: 'conflict', message: 'A resource with these unique fields already exists' } },
        ];
      }
      if (exception.code === 'P2025') {
        return [404, { error: { code: 'not_found', message: 'Resource not found' } }];
      }
      if (PRISMA_UNAVAILABLE.has(exception.code)) return unavailable();
      if (isStatementTimeout(exception)) return queryTimeout();
      // An interactive transaction outlived its timeout (a busy database): as retryable as a statement timeout.
      if (exception.code === 'P2028') return queryTimeout();
    }
    if (exception instanceof Prisma.PrismaClientInitializationError) return unavailable();
    if (isConnectionError(exception) || isUnavailableSqlState(exception)) return unavailable();
    return [500, { error: { code: 'internal_error', message: 'Internal server error' } }];
  }
}

function unavailable(): [number, ApiErrorBody] {
  return [
    503,
    { error: { code: 'service_unavailable', message: 'A backing service is unavailable; retry shortly' } },
  ];
}

function queryTimeout(): [number, ApiErrorBody] {
  return [
    503,
    {
      error: {
        code: 'query_timeout',
        message:
          'The query took longer than the database statement timeout; narrow the time range or filters, or retry',
      },
    },
  ];
}

/** Postgres cancelled the statement (SQLSTATE 57014: statement_timeout), as the pg driver adapter reports it. */
function isStatementTimeout(e: Prisma.PrismaClientKnownRequestError): boolean {
  const cause = (
    e.meta?.driverAdapterError as { cause?: { originalCode?: unknown; code?: unknown } } | undefined
  )?.cause;
  return (
    cause?.originalCode === '57014' ||
    cause?.code === '57014' ||
    /\b57014\b|statement timeout/.test(e.message)
  );
}

/**
 * The database is not there or not ready: refused or dropped connections, and Postgres saying so while it
 * starts, recovers or shuts down ("the database system is starting up", SQLSTATE 57P03).
 */
function isConnectionError(e: unknown): boolean {
  const text = e instanceof Error ? `${e.name} ${e.message}` : '';
  return /ECONNREFUSED|ECONNRESET|EPIPE|EHOSTUNREACH|ETIMEDOUT|EAI_AGAIN|Connection terminated|timeout exceeded when trying to connect|DatabaseNotReachable|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|terminating connection due to administrator command/i.test(
    text,
  );
}

/**
 * SQLSTATE class 08 (connection exception) and 57P01-57P05 (admin shutdown, crash shutdown, cannot connect
 * now, database dropped, idle session timeout), on a pg error or wrapped by the Prisma driver adapter.
 */
function isUnavailableSqlState(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const meta = (e as { meta?: { driverAdapterError?: { cause?: Record<string, unknown> } } }).meta;
  const cause = meta?.driverAdapterError?.cause;
  const codes = [(e as { code?: unknown }).code, cause?.originalCode, cause?.code];
  return codes.some((c) => typeof c === 'string' && /^(08[0-9A-Z]{3}|57P0[1-5])$/.test(c));
}
