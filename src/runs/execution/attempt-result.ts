// What a finished (or cut) stream becomes in the ledger: plain functions of the capture, no I/O.
import { type BrandRecord } from '../../brands/brand.repository';
import { type CapturedStream } from '../../capture/recording/captured-stream';
import { citationRows, type AnswerAnalysis } from '../../capture/analysis/run-analysis';
import { tokenizeTimeline } from '../../detection/answer-tokenizer';
import { type EngineRecord } from '../../engines/engine.repository';
import { type PartialCapture, type RunResultWrite, type TruncatedCapture } from '../results/run-result.types';
import { estimateCostUsd, type Price } from './cost-estimator';

/** Finish reasons that are valid observations carrying a flag, never failures (docs/architecture.md). */
const FLAGGED_FINISH_REASONS = new Set(['length', 'content_filter', 'refusal']);

export function resultWrite(
  capture: CapturedStream,
  analysis: AnswerAnalysis,
  brands: BrandRecord[],
  engine: Pick<EngineRecord, 'provider' | 'model'>,
  priceTable: Record<string, Price>,
): RunResultWrite {
  const flags =
    capture.finishReason && FLAGGED_FINISH_REASONS.has(capture.finishReason) ? [capture.finishReason] : [];
  return {
    ...toPartial(capture),
    flags,
    responseModel: capture.responseModel,
    inputTokens: capture.usage?.inputTokens ?? null,
    outputTokens: capture.usage?.outputTokens ?? null,
    ...analysis,
    citations: citationRows(capture.citations, brands),
    estimatedCostUsd: estimateCostUsd(priceTable, engine.provider, engine.model, capture.usage),
  };
}

/** The partial text of a run cut before its end counts its tokens like a complete answer's. */
export function toTruncated(c: CapturedStream): TruncatedCapture {
  return { ...toPartial(c), ...tokenizeTimeline(c.answerText, c.chunkEnds, c.chunkArrivalsUs) };
}

function toPartial(c: CapturedStream): PartialCapture {
  return {
    answerText: c.answerText,
    reasoningText: c.reasoningText === '' ? null : c.reasoningText,
    requestSentAt: c.requestSentAt,
    headersUs: c.headersUs,
    ttftUs: c.ttftUs,
    durationUs: c.durationUs,
    chunkArrivalsUs: c.chunkArrivalsUs,
    chunkEnds: c.chunkEnds,
    finishReason: c.finishReason,
  };
}
