import { Injectable } from '@nestjs/common';
import { PrismaService } from '../infra/prisma/prisma.service';
import { RuleReader, type Landing } from './alert-evaluation.repository';

/** What the 30-day preview reads: the project's landings of a range and the evaluation's window reads. */
@Injectable()
export class AlertPreviewRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The evaluation's reads, outside any transaction (the preview writes nothing). */
  reader(): RuleReader {
    return new RuleReader(this.prisma);
  }

  /** The rule's brand (or the project's oldest own brand), as the live evaluation resolves it. */
  brand(projectId: string, brandId: string | null): Promise<{ id: string } | null> {
    return this.reader().brand(projectId, brandId);
  }

  /**
   * The project's succeeded runs whose request time lies in [from, to), oldest first: the landings the live
   * evaluation would have seen, in the order of the report axis. At most `limit`, the newest ones.
   */
  async landings(projectId: string, from: Date, to: Date, limit: number): Promise<Landing[]> {
    const rows = await this.prisma.$queryRaw<Landing[]>`
      SELECT r.id::text AS "runId", r."workspaceId"::text AS "workspaceId", r."projectId"::text AS "projectId",
             r.synthetic, rr."requestSentAt" AS "observedAt"
      FROM runs r JOIN run_results rr ON rr."runId" = r.id
      WHERE r."projectId" = ${projectId}::uuid AND r.status = 'succeeded'
        AND rr."requestSentAt" >= ${from} AND rr."requestSentAt" < ${to}
      ORDER BY rr."requestSentAt" DESC, r.id DESC
      LIMIT ${limit}`;
    return rows.reverse();
  }
}
