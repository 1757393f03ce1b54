import { type BrandRecord } from '../../brands/brand.repository';
import { type EngineRecord } from '../../engines/engine.repository';

export interface LandedOutcome {
  ref: { runId: string; workspaceId: string; projectId: string; promptId: string; engineId: string };
  status: 'succeeded' | 'failed';
  failureReason: string | null;
  /** Score rows as stored (decimals as Prisma Decimals). */
  scores: {
    brandId: string;
    mentioned: boolean;
    mentionCount: number;
    firstVisibleAtUs: number | null;
    sinceFirstTokenUs: number | null;
    firstTokenIndex: number | null;
    relPosition: unknown;
    order: number | null;
    aboveFold: boolean;
    attention: unknown;
    streamScore: unknown;
  }[];
}

export interface StartedAttempt {
  runId: string;
  attempt: number;
  token: string;
  workspaceId: string;
  projectId: string;
  promptId: string;
  engineId: string;
  slotAt: Date;
  sample: number;
}

/**
 * What an attempt needs besides the run, read in the statement that starts it. Null (or, for brands, empty)
 * where the row was deleted while the run waited; a prompt, engine or project outside the run's workspace
 * counts as deleted.
 */
export interface AttemptSetup {
  engine: EngineRecord | null;
  promptText: string | null;
  project: { foldTokens: number; halfLifeMs: number } | null;
  /** The project's brands, oldest first (bounded by the per-project brand cap). */
  brands: BrandRecord[];
}

export interface AttemptFailure {
  reasonCode: string;
  message: string;
  httpStatus?: number;
  retryAfterMs?: number;
}
