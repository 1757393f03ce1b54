// One brand's scores for one run as presented: the shape shared by run detail, the live `scores` event and
// `run.completed` webhooks. It lives with the live events, the first of those to send it, so the run API and
// the webhooks read it from here and no feature has to reach back into the runs API for it.
import { z } from 'zod';
import { idSchema } from '../infra/http/response-schemas';

/** Microseconds as stored → milliseconds as presented (3 decimals: µs precision). */
export const usToMs = (us: number | null | undefined): number | null =>
  us === null || us === undefined ? null : us / 1000;

export const msSchema = z.number().describe('milliseconds (µs precision)');

/** One brand's scores for one run (run detail, the live `scores` event, `run.completed` webhooks). */
export const runScoreSchema = z.strictObject({
  brandId: idSchema,
  mentioned: z.boolean(),
  mentionCount: z.number().int(),
  firstVisibleAtMs: msSchema.nullable(),
  sinceFirstTokenMs: msSchema.nullable(),
  firstTokenIndex: z.number().int().nullable(),
  relPosition: z.number().nullable(),
  order: z.number().int().nullable(),
  aboveFold: z.boolean(),
  attention: z.number(),
  streamScore: z.number(),
});

/** A score row as persisted (decimals may arrive as text, numbers or Decimal objects). */
export interface ScoreLike {
  brandId: string;
  mentioned: boolean;
  mentionCount: number;
  firstVisibleAtUs?: number | null;
  sinceFirstTokenUs?: number | null;
  firstTokenIndex?: number | null;
  relPosition?: unknown;
  order?: number | null;
  aboveFold: boolean;
  attention: unknown;
  streamScore: unknown;
}

export interface RunScoreView {
  brandId: string;
  mentioned: boolean;
  mentionCount: number;
  firstVisibleAtMs: number | null;
  sinceFirstTokenMs: number | null;
  firstTokenIndex: number | null;
  relPosition: number | null;
  order: number | null;
  aboveFold: boolean;
  attention: number | null;
  streamScore: number | null;
}

const decimal = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** A persisted score row in its presented form. */
export function runScoreView(s: ScoreLike): RunScoreView {
  return {
    brandId: s.brandId,
    mentioned: s.mentioned,
    mentionCount: s.mentionCount,
    firstVisibleAtMs: usToMs(s.firstVisibleAtUs),
    sinceFirstTokenMs: usToMs(s.sinceFirstTokenUs),
    firstTokenIndex: s.firstTokenIndex ?? null,
    relPosition: decimal(s.relPosition),
    order: s.order ?? null,
    aboveFold: s.aboveFold,
    attention: decimal(s.attention),
    streamScore: decimal(s.streamScore),
  };
}
