import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';

/**
 * The report state of a project: one cheap statement (one snapshot) whose answer changes whenever anything a
 * report of the project reads has changed, and never returns to an earlier answer after such a change. A new
 * table or column that a report reads must be added here (docs/reports.md "Response cache").
 *
 * - Score, mention and citation rows, and through them the rollups and digests: the number of dirty-hour marks
 *   the project ever had (present + claimed by the digest builder; migration 20261206135800_report_cache_state).
 *   Every committing change appends at least one mark, so the number grows in commit order, whatever order the
 *   marks' ids were drawn in. Digest builds move marks from present to claimed and change no report figure.
 * - Failed runs (the mentions report counts them): their slot hour is marked too (same migration).
 * - The project's settings and name, its brands (every column), its prompts' text and tags (tag filters and
 *   labels) and the workspace's engine names: hashed as they are, so only a real change moves the state.
 */
@Injectable()
export class ReportCacheRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The state, or null when the project is not in the workspace (the report itself then answers 404). */
  async state(workspaceId: string, projectId: string): Promise<string | null> {
    // A named prepared statement: it runs on every report request, so it is planned once per connection and
    // skips the client's query engine (PrismaService.prepared).
    const rows = await this.prisma.prepared<{ state: string }>('report-cache-state')`
      SELECT concat_ws(' ',
        (SELECT count(*) FROM report_dirty_hours d WHERE d."projectId" = p.id)
          + coalesce((SELECT c.claimed FROM report_mark_claims c WHERE c."projectId" = p.id), 0),
        md5(concat_ws(chr(31), p.name, p."foldTokens", p."halfLifeMs")),
        (SELECT md5(coalesce(string_agg(b::text, chr(30) ORDER BY b.id), ''))
           FROM brands b WHERE b."projectId" = p.id),
        (SELECT md5(coalesce(string_agg(concat_ws(chr(31), t.id, t.text, t.tags::text), chr(30) ORDER BY t.id), ''))
           FROM tracked_prompts t WHERE t."projectId" = p.id),
        (SELECT md5(coalesce(string_agg(concat_ws(chr(31), e.id, e.name, e.provider, e.model), chr(30) ORDER BY e.id), ''))
           FROM engines e WHERE e."workspaceId" = p."workspaceId")
      ) AS state
      FROM projects p WHERE p.id = ${projectId}::uuid AND p."workspaceId" = ${workspaceId}::uuid`;
    return rows[0]?.state ?? null;
  }
}
