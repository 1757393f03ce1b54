import { Injectable } from '@nestjs/common';

/** A change of a project's watchlist. */
export interface BrandChange {
  workspaceId: string;
  projectId: string;
  reason: 'brand.created' | 'brand.updated' | 'brand.deleted';
}

/** What a listener started for a change: the backfill that recomputes the project's history with it. */
export interface BrandChangeEffect {
  backfillId: string;
}

export type BrandChangeListener = (change: BrandChange) => Promise<BrandChangeEffect | void>;

/**
 * Where brand edits are announced, so the features that react to them (the backfill recomputing a project's
 * history) subscribe here and brands depend on none of them.
 */
@Injectable()
export class BrandChanges {
  private readonly listeners: BrandChangeListener[] = [];

  subscribe(listener: BrandChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Awaits every listener in turn: the edit answers once they are done, and fails when one fails. Returns the
   * backfill a listener queued for the change, if any (the brand routes answer with it).
   */
  async announce(change: BrandChange): Promise<{ backfillId: string | null }> {
    let backfillId: string | null = null;
    for (const listener of this.listeners) backfillId = (await listener(change))?.backfillId ?? backfillId;
    return { backfillId };
  }
}
