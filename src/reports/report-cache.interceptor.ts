import {
  Inject,
  Injectable,
  StreamableFile,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { type Request, type Response } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { type AuthenticatedRequest } from '../auth/auth-context';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { wantsCsv } from '../infra/http/csv/csv-response';
import { cachedReport, reportCacheKey, ReportResponseCache, type CachedReport } from './report-cache';
import { ReportCacheRepository } from './report-cache.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/**
 * Report responses from the per-process cache (./report-cache.ts), checked against the project's report state
 * on every request, with a strong `ETag` and `If-None-Match` → 304 (Express answers 304 when the tag matches).
 * `Cache-Control: private, no-cache`: browsers revalidate every time and shared caches never keep a tenant's
 * report. `X-Report-Cache` says how the body was obtained (`hit`, `shared` with a concurrent request, `miss`).
 * Requests it cannot key (no `to`, odd parameters, unknown project) go to the handler untouched.
 */
@Injectable()
export class ReportCacheInterceptor implements NestInterceptor {
  private readonly cache: ReportResponseCache | null;

  constructor(
    private readonly repo: ReportCacheRepository,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.cache =
      config.REPORT_CACHE_MB > 0 ? new ReportResponseCache(config.REPORT_CACHE_MB * 1024 * 1024) : null;
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<Request & AuthenticatedRequest>();
    const key = this.keyOf(context, req);
    if (!this.cache || !req.auth || key === null) return next.handle();
    const res = context.switchToHttp().getResponse<Response>();
    const projectId = (req.query as Record<string, string>).projectId!;
    return from(this.serve(this.cache, key, req.auth.workspaceId, projectId, res, next));
  }

  private keyOf(context: ExecutionContext, req: Request & AuthenticatedRequest): string | null {
    const query = req.query as Record<string, unknown>;
    const { format, projectId } = query;
    if (!this.cache || !req.auth || typeof projectId !== 'string' || !UUID.test(projectId)) return null;
    if (format !== undefined && format !== 'json' && format !== 'csv') return null;
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    return reportCacheKey(req.auth.workspaceId, route, query, wantsCsv(format, req) ? 'csv' : 'json');
  }

  private async serve(
    cache: ReportResponseCache,
    key: string,
    workspaceId: string,
    projectId: string,
    res: Response,
    next: CallHandler,
  ): Promise<unknown> {
    const state = await this.repo.state(workspaceId, projectId);
    if (state === null) return lastValueFrom(next.handle());
    let uncached: unknown;
    const compute = async () => {
      const result: unknown = await lastValueFrom(next.handle());
      const report = await capture(result);
      if (!report) uncached = result;
      return report;
    };
    const loaded = await cache.load(key, state, compute);
    const { source } = loaded;
    // The request it waited on failed or was not cacheable: this one answers for itself.
    const report = loaded.report ?? (source === 'shared' ? await compute() : null);
    if (!report) return uncached;
    res.setHeader('Content-Type', report.contentType);
    if (report.disposition !== undefined) res.setHeader('Content-Disposition', report.disposition);
    res.setHeader('ETag', report.etag);
    res.setHeader('Cache-Control', 'private, no-cache');
    res.setHeader('X-Report-Cache', source);
    // A string goes out through res.send, which sets Content-Length and answers 304 to a matching If-None-Match.
    return report.body;
  }
}

/** The bytes of a handler's result: a JSON body, or a CSV file held in memory; null for anything else. */
async function capture(result: unknown): Promise<CachedReport | null> {
  if (result instanceof StreamableFile) {
    const headers = result.getHeaders();
    // Only in-memory files have a length up front; a streamed export is passed through as it is.
    const { length, type, disposition } = headers;
    if (length === undefined || typeof type !== 'string' || Array.isArray(disposition)) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of result.getStream()) chunks.push(Buffer.from(chunk as Uint8Array));
    return cachedReport(Buffer.concat(chunks).toString('utf8'), type, disposition);
  }
  if (result === null || typeof result !== 'object') return null;
  // What res.json would send (no replacer, no spacing are configured).
  return cachedReport(JSON.stringify(result), JSON_CONTENT_TYPE);
}
