// Builds the replay timeline from the API's run detail and tokens.
import type { RunDetail, RunToken } from './api-types';
import { buildTimeline, type Timeline } from './replay/timeline';

export function timelineOfRun(
  run: RunDetail,
  tokens: readonly RunToken[] | undefined,
  foldTokens: number | null,
): Timeline | null {
  const result = run.result;
  if (!result || result.answerText.length === 0) return null;
  return buildTimeline({
    text: result.answerText,
    chunks: result.chunks,
    ...(tokens ? { tokens } : {}),
    mentions: run.mentions.map((m) => ({
      brandId: m.brandId,
      charStart: m.charStart,
      charEnd: m.charEnd,
      visibleAtMs: m.visibleAtMs,
      tokenIndex: m.tokenIndex,
      matched: m.matched,
    })),
    foldTokens,
    ttftMs: result.timings.ttftMs,
  });
}
