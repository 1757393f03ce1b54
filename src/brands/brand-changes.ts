import { Injectable } from '@nestjs/common';

/** A change of a project's watchlist. */
export interface BrandChange {
  workspaceId: string;
  projectId: string;
  reason: 'brand.created' | 'brand.updated' | 'brand.deleted';
}

export type BrandChangeListener = (change: BrandChange) => Promise<void>;

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

  /** Awaits every listener in turn: the edit answers once they are done, and fails when one fails. */
  async announce(change: BrandChange): Promise<void> {
    for (const listener of this.listeners) await listener(change);
  }
}
