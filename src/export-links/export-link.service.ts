import { Inject, Injectable } from '@nestjs/common';
import { type AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../infra/clock/clock';
import { ApiError } from '../infra/http/api-error';
import { ProjectService } from '../projects/project.service';
import {
  exportFiltersSchema,
  type CreatedExportLinkView,
  type CreateExportLinkInput,
  type ExportLinkView,
  type ExportReport,
} from './dto/export-link.dto';
import { exportReportQuery } from './export-link-query';
import { ExportLinkRepository, type ExportLinkRecord, type FilterIds } from './export-link.repository';
import {
  exportLinkPath,
  generateExportToken,
  hashExportToken,
  isWellFormedExportToken,
} from './export-link-token';
import { ReportCsvService } from '../reports/report-csv.service';

/** Live links per project: each is a standing read of a report, so they are bounded like alert rules. */
export const MAX_LIVE_EXPORT_LINKS_PER_PROJECT = 100;

const FILTER_WHAT: Record<keyof FilterIds, string> = {
  brandIds: 'brand of this project',
  engineIds: 'engine of this workspace',
  promptIds: 'prompt of this project',
};

/** Export links: created and revoked by admins, read by anyone holding the token (docs/export-links.md). */
@Injectable()
export class ExportLinkService {
  constructor(
    private readonly links: ExportLinkRepository,
    private readonly projects: ProjectService,
    private readonly reports: ReportCsvService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async create(
    workspaceId: string,
    projectId: string,
    input: CreateExportLinkInput,
  ): Promise<CreatedExportLinkView> {
    await this.projects.require(workspaceId, projectId);
    const now = this.clock.now();
    const expiresAt = input.expiresAt === undefined ? null : new Date(input.expiresAt);
    if (expiresAt && expiresAt <= now) {
      throw ApiError.validation('Invalid body: body.expiresAt: must be in the future', [
        { path: 'body.expiresAt', message: 'must be in the future' },
      ]);
    }
    await this.requireKnownIds(workspaceId, projectId, input.filters);
    if ((await this.links.countLive(projectId, now)) >= MAX_LIVE_EXPORT_LINKS_PER_PROJECT) {
      throw new ApiError(
        422,
        'limit_exceeded',
        `A project holds at most ${MAX_LIVE_EXPORT_LINKS_PER_PROJECT} live export links; revoke one first`,
      );
    }
    const generated = generateExportToken();
    const record = await this.links.create({
      workspaceId,
      projectId,
      name: input.name,
      report: input.report,
      filters: input.filters,
      windowDays: input.windowDays,
      prefix: generated.prefix,
      tokenHash: generated.hash,
      expiresAt,
    });
    const path = exportLinkPath(generated.token);
    const base = this.config.PUBLIC_URL?.replace(/\/+$/, '');
    return { ...toView(record), token: generated.token, path, url: base ? `${base}${path}` : null };
  }

  async list(workspaceId: string, projectId: string): Promise<ExportLinkView[]> {
    await this.projects.require(workspaceId, projectId);
    return (await this.links.listForProject(workspaceId, projectId)).map(toView);
  }

  async revoke(workspaceId: string, projectId: string, id: string): Promise<ExportLinkView> {
    await this.projects.require(workspaceId, projectId);
    const record = await this.links.revoke(workspaceId, projectId, id, this.clock.now());
    if (!record) throw ApiError.notFound('Export link');
    return toView(record);
  }

  /**
   * The live link of a token (counted as a use). Unknown, malformed, revoked and expired tokens are the same
   * 404, so a response says nothing about a token but that it does not work.
   */
  async open(token: string | null): Promise<ExportLinkRecord> {
    const now = this.clock.now();
    const link =
      token && isWellFormedExportToken(token)
        ? await this.links.findByTokenHash(hashExportToken(token))
        : null;
    if (!link || link.revokedAt || (link.expiresAt && link.expiresAt <= now)) {
      throw ApiError.notFound('Export link');
    }
    await this.links.touchLastUsed(link.id, now);
    return link;
  }

  /** The link's report now: its filters over the window ending at this instant. */
  async csv(link: ExportLinkRecord, header: boolean): Promise<{ report: ExportReport; body: string }> {
    const report = link.report as ExportReport;
    const query = exportReportQuery(link, exportFiltersSchema.parse(link.filters), this.clock.now());
    return { report, body: await this.reports.csv(link.workspaceId, report, query, header) };
  }

  private async requireKnownIds(
    workspaceId: string,
    projectId: string,
    filters: CreateExportLinkInput['filters'],
  ): Promise<void> {
    const wanted: FilterIds = {
      brandIds: filters.brandIds ?? [],
      engineIds: filters.engineIds ?? [],
      promptIds: filters.promptIds ?? [],
    };
    if (wanted.brandIds.length + wanted.engineIds.length + wanted.promptIds.length === 0) return;
    const unknown = await this.links.unknownIds(workspaceId, projectId, wanted);
    const details = (Object.keys(unknown) as (keyof FilterIds)[])
      .filter((k) => unknown[k].length > 0)
      .map((k) => ({
        path: `body.filters.${k}`,
        message: `not a ${FILTER_WHAT[k]}: ${unknown[k].join(', ')}`,
      }));
    if (details.length === 0) return;
    throw ApiError.validation(
      `Invalid body: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`,
      details,
    );
  }
}

function toView(r: ExportLinkRecord): ExportLinkView {
  return {
    id: r.id,
    projectId: r.projectId,
    name: r.name,
    report: r.report as ExportReport,
    filters: (r.filters ?? {}) as Record<string, unknown>,
    windowDays: r.windowDays,
    prefix: r.prefix,
    createdAt: r.createdAt.toISOString(),
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
    expiresAt: r.expiresAt?.toISOString() ?? null,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}
