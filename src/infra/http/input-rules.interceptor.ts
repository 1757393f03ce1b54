import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { type Request } from 'express';
import { type Observable } from 'rxjs';
import { ApiError } from './api-error';
import { inputIssues, queryEncodingIssues, type InputIssue } from './input-rules';
import { hasInvalidUtf8Body } from './utf8-body';

const replaced = (s: string): string | null =>
  s.includes('\ufffd') ? 'must be valid UTF-8: the request body has invalid bytes here' : null;

/**
 * Applies the input rules (`input-rules.ts`) to the body, query and path parameters of every routed
 * request, once, before any pipe or controller: a NUL or a lone surrogate can never reach Postgres (where it
 * was a 500) nor be stored altered. Runs after the guards, so an unauthenticated caller still gets 401.
 * The headers the API reads (Idempotency-Key, Last-Event-ID) are validated as printable ASCII where read.
 */
@Injectable()
export class InputRulesInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const issues = requestIssues(req);
    if (issues.length > 0) {
      const summary = issues.map((d) => `${d.path}: ${d.message}`).join('; ');
      throw ApiError.validation(`Invalid input: ${summary}`, issues);
    }
    return next.handle();
  }
}

export function requestIssues(req: Request): InputIssue[] {
  const search = req.originalUrl.indexOf('?');
  const issues = [
    ...inputIssues(req.params, 'params'),
    ...(search === -1 ? [] : queryEncodingIssues(req.originalUrl.slice(search + 1))),
  ];
  if (issues.length === 0) issues.push(...inputIssues(req.query, 'query'));
  if (req.body !== undefined) {
    const invalidUtf8 = hasInvalidUtf8Body(req);
    const bodyIssues = inputIssues(req.body, 'body', invalidUtf8 ? replaced : undefined);
    if (invalidUtf8 && bodyIssues.length === 0) {
      bodyIssues.push({ path: 'body', message: 'must be valid UTF-8' });
    }
    issues.push(...bodyIssues);
  }
  return issues;
}
