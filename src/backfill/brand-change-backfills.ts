import { Injectable, type OnModuleInit } from '@nestjs/common';
import { BrandChanges } from '../brands/brand-changes';
import { BackfillRequests } from './backfill-requests.service';

/** A brand created, edited or deleted asks for its project's history to be recomputed with the new watchlist. */
@Injectable()
export class BrandChangeBackfills implements OnModuleInit {
  constructor(
    private readonly changes: BrandChanges,
    private readonly requests: BackfillRequests,
  ) {}

  onModuleInit(): void {
    this.changes.subscribe(async ({ workspaceId, projectId, reason }) => ({
      backfillId: (await this.requests.request(workspaceId, projectId, reason)).id,
    }));
  }
}
