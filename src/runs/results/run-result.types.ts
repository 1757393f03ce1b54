// What a landed attempt writes, shared by the attempt repository (partial answers), the result repository and
// its batcher, and the answer spill.
import { type CitationRow, type MentionRow, type ScoreRow } from '../../capture/analysis/run-analysis';

export interface PartialCapture {
  answerText: string;
  reasoningText: string | null;
  requestSentAt: Date;
  headersUs: number | null;
  ttftUs: number | null;
  durationUs: number;
  chunkArrivalsUs: number[];
  chunkEnds: number[];
  finishReason: string | null;
}

/** What a run cut before its end kept: its text, and the token timeline of that text. */
export interface TruncatedCapture extends PartialCapture {
  tokenEnds: number[];
  tokenArrivalsUs: number[];
}

export interface RunResultWrite extends PartialCapture {
  flags: string[];
  responseModel: string | null;
  inputTokens: number | null;
  outputTokens: number | null;
  tokenEnds: number[];
  tokenArrivalsUs: number[];
  mentions: MentionRow[];
  scores: ScoreRow[];
  citations: CitationRow[];
  estimatedCostUsd: string | null;
}

/**
 * Who listens for a run's landing, read by the statement that committed it: whether its project has an
 * enabled alert rule and whether its workspace has an active webhook subscribed to `run.completed`. The
 * executor asks for an alert evaluation and looks webhooks up only when there is someone to tell.
 */
export interface LandingListeners {
  alertRules: boolean;
  webhooks: boolean;
}
