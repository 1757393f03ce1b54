import { Injectable } from '@nestjs/common';
import { type ProviderKindName } from '../../engines/dto/engine.dto';
import { scrubSecrets } from '../../infra/crypto/secret-scrubber';
import { ApiError } from '../../infra/http/api-error';
import { decodeCursor, toPage, type Page } from '../../infra/http/pagination';
import {
  type RunDetailRow,
  type RunFilter,
  type RunListRow,
  RunQueryRepository,
} from './run-query.repository';
import { usToMs } from '../../live-events/run-score';
import { type RunListQuery } from './dto/run.dto';

export interface TokenView {
  index: number;
  text: string;
  charEnd: number;
  arrivalMs: number;
}

@Injectable()
export class RunQueryService {
  constructor(private readonly runs: RunQueryRepository) {}

  async list(workspaceId: string, q: RunListQuery): Promise<Page<ReturnType<typeof listView>>> {
    const rows = await this.runs.list(workspaceId, runFilter(q), q.limit + 1, decodeCursor(q.cursor));
    return toPage(rows, q.limit, listView);
  }

  async detail(workspaceId: string, id: string): Promise<ReturnType<typeof detailView>> {
    const run = await this.runs.detail(workspaceId, id);
    if (!run) throw ApiError.notFound('Run');
    return detailView(run);
  }

  async tokens(
    workspaceId: string,
    id: string,
  ): Promise<{ runId: string; tokenizer: string; data: TokenView[] }> {
    const t = await this.runs.timeline(workspaceId, id);
    if (t === null) throw ApiError.notFound('Run');
    if (t === 'no-result') return { runId: id, tokenizer: 'o200k_base', data: [] };
    const data = t.tokenEnds.map((end, i) => ({
      index: i,
      text: t.answerText.slice(t.tokenEnds[i - 1] ?? 0, end),
      charEnd: end,
      arrivalMs: (t.tokenArrivalsUs[i] ?? 0) / 1000,
    }));
    return { runId: id, tokenizer: 'o200k_base', data };
  }
}

/** The validated query as the repository's filter (times as dates, reachedWithinMs in µs). */
function runFilter(q: RunListQuery): RunFilter {
  const date = (iso: string | undefined) => (iso === undefined ? undefined : new Date(iso));
  const f: RunFilter = {
    projectId: q.projectId,
    promptId: q.promptId,
    promptRevision: q.promptRevision,
    engineId: q.engineId,
    promptIds: q.promptIds,
    engineIds: q.engineIds,
    tags: q.tags,
    status: q.status,
    synthetic: q.synthetic,
    from: date(q.from),
    to: date(q.to),
    observedFrom: date(q.observedFrom),
    observedTo: date(q.observedTo),
    firstBrandId: q.firstBrandId,
    alsoMentionedBrandId: q.alsoMentionedBrandId,
    citedDomain: q.citedDomain,
    ...(q.brandId
      ? {
          brand: {
            brandId: q.brandId,
            mentioned: q.mentioned,
            fold: q.fold,
            reachedWithinUs:
              q.reachedWithinMs === undefined ? undefined : Math.round(q.reachedWithinMs * 1000),
            reachedBeforeToken: q.reachedBeforeToken,
          },
        }
      : {}),
  };
  return f;
}

function listView(r: RunListRow) {
  return {
    id: r.id,
    projectId: r.projectId,
    promptId: r.promptId,
    promptRevision: r.promptRevision,
    engineId: r.engineId,
    slotAt: r.slotAt.toISOString(),
    sample: r.sample,
    trigger: r.trigger,
    status: r.status,
    synthetic: r.synthetic,
    attempts: r.attempts,
    failureReason: r.failureReason,
    skipReason: r.skipReason,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
    ttftMs: r.result?.ttftUs == null ? null : r.result.ttftUs / 1000,
    ...namedBrands(r.scores),
  };
}

/** Brands the answer named, first to arrive first (ties by id, so the order is stable). */
function namedBrands(scores: { brandId: string; mentioned: boolean; firstVisibleAtUs: number | null }[]): {
  mentionedBrandIds: string[];
  firstBrandId: string | null;
} {
  const named = scores
    .filter((s) => s.mentioned)
    .sort(
      (a, b) =>
        (a.firstVisibleAtUs ?? Infinity) - (b.firstVisibleAtUs ?? Infinity) ||
        a.brandId.localeCompare(b.brandId),
    )
    .map((s) => s.brandId);
  return { mentionedBrandIds: named, firstBrandId: named[0] ?? null };
}

function detailView(r: RunDetailRow) {
  const res = r.result;
  return {
    ...listView(r),
    // Rows written before errors were scrubbed at the source may still quote a key: scrub on the way out too.
    failureMessage: r.failureMessage === null ? null : scrubSecrets(r.failureMessage),
    provenance: provenanceView(r),
    result: res
      ? {
          complete: res.complete,
          answerText: res.answerText,
          reasoningText: res.reasoningText,
          finishReason: res.finishReason,
          flags: res.flags,
          responseModel: res.responseModel,
          usage: { inputTokens: res.inputTokens, outputTokens: res.outputTokens },
          estimatedCostUsd: res.estimatedCostUsd === null ? null : Number(res.estimatedCostUsd),
          timings: {
            requestSentAt: res.requestSentAt.toISOString(),
            headersMs: usToMs(res.headersUs),
            ttftMs: usToMs(res.ttftUs),
            durationMs: usToMs(res.durationUs),
          },
          answerTokens: res.answerTokens,
          chunks: res.chunkEnds.map((end, i) => ({
            index: i,
            charStart: res.chunkEnds[i - 1] ?? 0,
            charEnd: end,
            arrivalMs: (res.chunkArrivalsUs[i] ?? 0) / 1000,
          })),
        }
      : null,
    mentions: r.mentions.map((m) => ({
      brandId: m.brandId,
      matched: m.matched,
      charStart: m.charStart,
      charEnd: m.charEnd,
      tokenIndex: m.tokenIndex,
      visibleAtMs: m.visibleAtUs / 1000,
      sinceFirstTokenMs: m.sinceFirstTokenUs / 1000,
      relPosition: Number(m.relPosition),
      sentenceIndex: m.sentenceIndex,
      listRank: m.listRank,
      inHeading: m.inHeading,
      inBold: m.inBold,
      snippet: m.snippet,
      sentiment: m.sentiment,
      sentimentScore: m.sentimentScore === null ? null : Number(m.sentimentScore),
    })),
    scores: r.scores.map((s) => ({
      brandId: s.brandId,
      mentioned: s.mentioned,
      mentionCount: s.mentionCount,
      firstVisibleAtMs: usToMs(s.firstVisibleAtUs),
      sinceFirstTokenMs: usToMs(s.sinceFirstTokenUs),
      firstTokenIndex: s.firstTokenIndex,
      relPosition: s.relPosition === null ? null : Number(s.relPosition),
      order: s.order,
      aboveFold: s.aboveFold,
      attention: Number(s.attention),
      streamScore: Number(s.streamScore),
    })),
    citations: r.citations.map((c) => ({
      position: c.position,
      url: c.url,
      domain: c.domain,
      title: c.title,
      charStart: c.charStart,
      charEnd: c.charEnd,
      arrivedAtMs: c.arrivedAtUs / 1000,
      brandId: c.brandId,
    })),
    attemptLog: r.attemptsLog.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      finishedAt: a.finishedAt?.toISOString() ?? null,
      outcome: a.outcome,
      reasonCode: a.reasonCode,
      httpStatus: a.httpStatus,
      message: a.message === null ? null : scrubSecrets(a.message),
      retryAfterMs: a.retryAfterMs,
    })),
  };
}

/** The run's own copies of what it ran with; a part is null when its source was gone when they were taken. */
function provenanceView(r: RunDetailRow) {
  const params = r.engineParameters;
  const provider: ProviderKindName | null =
    r.engineProvider === 'openai_compatible' ? 'openai-compatible' : r.engineProvider;
  return {
    prompt:
      r.promptRevision === null || r.promptText === null
        ? null
        : { revision: r.promptRevision, text: r.promptText },
    engine:
      provider === null || r.engineModel === null
        ? null
        : {
            provider,
            model: r.engineModel,
            parameters:
              params !== null && typeof params === 'object' && !Array.isArray(params)
                ? (params as Record<string, unknown>)
                : {},
          },
    scoring:
      r.foldTokens === null || r.halfLifeMs === null
        ? null
        : { foldTokens: r.foldTokens, halfLifeMs: r.halfLifeMs },
  };
}
