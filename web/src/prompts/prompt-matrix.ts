// The Prompts table's rows: one per prompt x engine, from the mentions and head-to-head reports broken down
// by prompt and engine (docs/reports.md, "Breakdowns"). Pure.
import type { HeadToHeadReport, Interval, MentionsReport } from '../api/types';
import type { Engine } from '../runs/api-types';
import type { Prompt } from './prompt-draft';

type MentionGroup = NonNullable<MentionsReport['groups']>['measured'][number];
type HeadToHeadGroup = NonNullable<HeadToHeadReport['groups']>['measured'][number];

export interface Rival {
  brandId: string;
  name: string;
  /** runs where the competitor was named and the own brand was not, or named before it */
  beats: number;
  /** the cell's successful runs */
  of: number;
}

export interface PromptRow {
  key: string;
  prompt: Prompt;
  engineId: string;
  engineName: string;
  /** the prompt's first row (the next rows are its other engines) */
  first: boolean;
  /** successful runs of the cell (0: no runs in the period) */
  n: number;
  own: (Interval & { n: number }) | null;
  streamScore: number | null;
  rival: Rival | null;
}

const cellKey = (promptId: string | undefined, engineId: string | undefined) => `${promptId}|${engineId}`;

/** Whoever beats the own brand most often in a cell: named without it (onlyA) or before it (A first). */
export function rivalOf(group: HeadToHeadGroup | undefined, ownId: string): Rival | null {
  if (!group) return null;
  let best: Rival | null = null;
  for (const p of group.pairs) {
    if (p.brandB.id !== ownId || p.brandA.id === ownId) continue;
    const first = Math.round((p.aFirstRate.rate ?? 0) * p.aFirstRate.n);
    const beats = p.onlyA + first;
    const name = p.brandA.name ?? 'Deleted brand';
    if (beats > 0 && (!best || beats > best.beats || (beats === best.beats && name < best.name))) {
      best = { brandId: p.brandA.id, name, beats, of: group.n };
    }
  }
  return best;
}

export function promptRows(
  prompts: Prompt[],
  engines: Engine[],
  mentions: MentionGroup[],
  headToHead: HeadToHeadGroup[],
  ownId: string | undefined,
): PromptRow[] {
  const mentionBy = new Map(mentions.map((g) => [cellKey(g.key.promptId, g.key.engineId), g]));
  const h2hBy = new Map(headToHead.map((g) => [cellKey(g.key.promptId, g.key.engineId), g]));
  const engineName = (id: string) => engines.find((e) => e.id === id)?.name ?? 'Deleted engine';
  const rows: PromptRow[] = [];
  for (const prompt of prompts) {
    // Its engines now, then any engine it ran on in the period and no longer has.
    const ran = mentions.filter((g) => g.key.promptId === prompt.id).map((g) => g.key.engineId ?? '');
    const engineIds = [...new Set([...prompt.engineIds, ...ran])].filter((id) => id !== '');
    engineIds.forEach((engineId, i) => {
      const m = mentionBy.get(cellKey(prompt.id, engineId));
      const own = ownId ? m?.brands.find((b) => b.brandId === ownId) : undefined;
      rows.push({
        key: cellKey(prompt.id, engineId),
        prompt,
        engineId,
        engineName: engineName(engineId),
        first: i === 0,
        n: m?.n ?? 0,
        own: own ? { ...own.mentionRate, n: own.n } : null,
        streamScore: own?.meanStreamScore ?? null,
        rival: ownId ? rivalOf(h2hBy.get(cellKey(prompt.id, engineId)), ownId) : null,
      });
    });
  }
  return rows;
}
