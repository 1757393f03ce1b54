import { Injectable } from '@nestjs/common';
import { PrismaService } from '../../infra/prisma/prisma.service';
import { type LandingListeners, type RunResultWrite } from './run-result.types';

/** One completed attempt's result, fenced by its attempt token. */
export interface ResultToWrite {
  runId: string;
  token: string;
  result: RunResultWrite;
  now: Date;
  /** Landed from the spill of a lost worker: also accepted while the run is back to `queued`. */
  fromSpill: boolean;
}

const SPILL_LANDED_MESSAGE = 'answer landed from the spill after its worker was lost';

/** Writes completed results, many runs per statement (ResultWriteBatcher decides the batches). */
@Injectable()
export class RunResultRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * One statement for a batch of results: every insert reads the runs from the fenced UPDATE, so a run with
   * a stale token (or no longer `running`) gets no rows at all. Per-run arrays (timelines, flags) travel as
   * array literals in a text[] because Postgres arrays cannot be ragged. Returns the saved runs with who
   * listens for their landing.
   */
  async insertResults(batch: readonly ResultToWrite[]): Promise<Map<string, LandingListeners>> {
    const rs = batch.map((p) => p.result);
    const ms = batch.flatMap((p) => p.result.mentions.map((m) => ({ runId: p.runId, m })));
    const ss = batch.flatMap((p) => p.result.scores.map((s) => ({ runId: p.runId, s })));
    const cs = batch.flatMap((p) => p.result.citations.map((c) => ({ runId: p.runId, c })));
    const rows = await this.prisma.prepared<{ id: string } & LandingListeners>('streamrank_insert_results')`
      WITH input AS (
        SELECT * FROM unnest(${batch.map((p) => p.runId)}::uuid[], ${batch.map((p) => p.token)}::uuid[],
          ${batch.map((p) => p.now)}::timestamptz[], ${rs.map((r) => r.answerText)}::text[],
          ${rs.map((r) => r.reasoningText)}::text[], ${rs.map((r) => r.finishReason)}::text[],
          ${rs.map((r) => arrayLiteral(r.flags))}::text[], ${rs.map((r) => r.responseModel)}::text[],
          ${rs.map((r) => r.inputTokens)}::int[], ${rs.map((r) => r.outputTokens)}::int[],
          ${rs.map((r) => r.estimatedCostUsd)}::numeric[], ${rs.map((r) => r.requestSentAt)}::timestamptz[],
          ${rs.map((r) => r.headersUs)}::int[], ${rs.map((r) => r.ttftUs)}::int[],
          ${rs.map((r) => r.durationUs)}::int[], ${rs.map((r) => arrayLiteral(r.chunkArrivalsUs))}::text[],
          ${rs.map((r) => arrayLiteral(r.chunkEnds))}::text[], ${rs.map((r) => arrayLiteral(r.tokenEnds))}::text[],
          ${rs.map((r) => arrayLiteral(r.tokenArrivalsUs))}::text[], ${rs.map((r) => r.tokenEnds.length)}::int[],
          ${batch.map((p) => p.fromSpill)}::boolean[])
          AS i("runId", token, now, "answerText", "reasoningText", "finishReason", flags, "responseModel",
            "inputTokens", "outputTokens", cost, "requestSentAt", "headersUs", "ttftUs", "durationUs",
            "chunkArrivalsUs", "chunkEnds", "tokenEnds", "tokenArrivalsUs", "answerTokens", "fromSpill")
      ), run AS (
        UPDATE runs r SET status = 'succeeded', "finishedAt" = i.now, "failureReason" = NULL,
          "failureMessage" = NULL, "updatedAt" = i.now
        FROM input i
        WHERE r.id = i."runId" AND r."attemptToken" = i.token
          AND (r.status = 'running' OR (i."fromSpill" AND r.status = 'queued'))
        RETURNING r.id, r."workspaceId", r."projectId", r."promptId", r."engineId", r.synthetic,
          i."requestSentAt"
      ), result AS (
        INSERT INTO run_results ("runId", "attemptToken", complete, "answerText", "reasoningText", "finishReason",
          flags, "responseModel", "inputTokens", "outputTokens", "estimatedCostUsd", "requestSentAt", "headersUs",
          "ttftUs", "durationUs", "chunkArrivalsUs", "chunkEnds", "tokenEnds", "tokenArrivalsUs", "answerTokens")
        SELECT i."runId", i.token, true, i."answerText", i."reasoningText", i."finishReason", i.flags::text[],
          i."responseModel", i."inputTokens", i."outputTokens", i.cost, i."requestSentAt", i."headersUs",
          i."ttftUs", i."durationUs", i."chunkArrivalsUs"::int[], i."chunkEnds"::int[], i."tokenEnds"::int[],
          i."tokenArrivalsUs"::int[], i."answerTokens"
        FROM input i JOIN run ON run.id = i."runId"
      ), mention AS (
        INSERT INTO mentions (id, "runId", "projectId", "brandId", matched, "charStart", "charEnd", "tokenIndex",
          "visibleAtUs", "sinceFirstTokenUs", "relPosition", "sentenceIndex", "listRank", "inHeading", "inBold",
          snippet, sentiment, "sentimentScore")
        SELECT gen_random_uuid(), run.id, run."projectId", x."brandId", x.matched, x."charStart", x."charEnd",
          x."tokenIndex", x."visibleAtUs", x."sinceFirstTokenUs", x."relPosition", x."sentenceIndex",
          x."listRank", x."inHeading", x."inBold", x.snippet, x.sentiment::"MentionSentiment", x."sentimentScore"
        FROM unnest(${ms.map((x) => x.runId)}::uuid[], ${ms.map((x) => x.m.brandId)}::uuid[],
          ${ms.map((x) => x.m.matched)}::text[], ${ms.map((x) => x.m.charStart)}::int[],
          ${ms.map((x) => x.m.charEnd)}::int[], ${ms.map((x) => x.m.tokenIndex)}::int[],
          ${ms.map((x) => x.m.visibleAtUs)}::int[], ${ms.map((x) => x.m.sinceFirstTokenUs)}::int[],
          ${ms.map((x) => x.m.relPosition)}::numeric[], ${ms.map((x) => x.m.sentenceIndex)}::int[],
          ${ms.map((x) => x.m.listRank)}::int[], ${ms.map((x) => x.m.inHeading)}::boolean[],
          ${ms.map((x) => x.m.inBold)}::boolean[], ${ms.map((x) => x.m.snippet)}::text[],
          ${ms.map((x) => x.m.sentiment)}::text[], ${ms.map((x) => x.m.sentimentScore)}::numeric[])
          AS x("runId", "brandId", matched, "charStart", "charEnd", "tokenIndex", "visibleAtUs",
            "sinceFirstTokenUs", "relPosition", "sentenceIndex", "listRank", "inHeading", "inBold", snippet,
            sentiment, "sentimentScore")
        JOIN run ON run.id = x."runId"
      ), score AS (
        INSERT INTO run_brand_scores ("runId", "projectId", "promptId", "engineId", "observedAt", synthetic,
          "brandId", mentioned, "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs", "firstTokenIndex",
          "relPosition", "order", "aboveFold", attention, "streamScore", "trakkrPoints", "geoWeightedWords",
          "geoShareOfAnswer")
        SELECT run.id, run."projectId", run."promptId", run."engineId", run."requestSentAt", run.synthetic,
          x."brandId", x.mentioned, x."mentionCount", x."firstVisibleAtUs", x."sinceFirstTokenUs",
          x."firstTokenIndex", x."relPosition", x."order", x."aboveFold", x.attention, x."streamScore",
          coalesce(x."trakkrPoints", 0), x."geoWeightedWords", x."geoShareOfAnswer"
        FROM unnest(${ss.map((x) => x.runId)}::uuid[], ${ss.map((x) => x.s.brandId)}::uuid[],
          ${ss.map((x) => x.s.mentioned)}::boolean[], ${ss.map((x) => x.s.mentionCount)}::int[],
          ${ss.map((x) => x.s.firstVisibleAtUs)}::int[], ${ss.map((x) => x.s.sinceFirstTokenUs)}::int[],
          ${ss.map((x) => x.s.firstTokenIndex)}::int[], ${ss.map((x) => x.s.relPosition)}::numeric[],
          ${ss.map((x) => x.s.order)}::int[], ${ss.map((x) => x.s.aboveFold)}::boolean[],
          ${ss.map((x) => x.s.attention)}::numeric[], ${ss.map((x) => x.s.streamScore)}::numeric[],
          ${ss.map((x) => x.s.trakkrPoints ?? null)}::int[], ${ss.map((x) => x.s.geoWeightedWords ?? null)}::numeric[],
          ${ss.map((x) => x.s.geoShareOfAnswer ?? null)}::numeric[])
          AS x("runId", "brandId", mentioned, "mentionCount", "firstVisibleAtUs", "sinceFirstTokenUs",
            "firstTokenIndex", "relPosition", "order", "aboveFold", attention, "streamScore", "trakkrPoints",
            "geoWeightedWords", "geoShareOfAnswer")
        JOIN run ON run.id = x."runId"
      ), citation AS (
        INSERT INTO citations (id, "runId", "projectId", position, url, domain, title, "charStart", "charEnd",
          "arrivedAtUs", "brandId")
        SELECT gen_random_uuid(), run.id, run."projectId", x.position, x.url, x.domain, x.title, x."charStart",
          x."charEnd", x."arrivedAtUs", x."brandId"
        FROM unnest(${cs.map((x) => x.runId)}::uuid[], ${cs.map((x) => x.c.position)}::int[],
          ${cs.map((x) => x.c.url)}::text[], ${cs.map((x) => x.c.domain)}::text[],
          ${cs.map((x) => x.c.title)}::text[], ${cs.map((x) => x.c.charStart)}::int[],
          ${cs.map((x) => x.c.charEnd)}::int[], ${cs.map((x) => x.c.arrivedAtUs)}::int[],
          ${cs.map((x) => x.c.brandId)}::uuid[])
          AS x("runId", position, url, domain, title, "charStart", "charEnd", "arrivedAtUs", "brandId")
        JOIN run ON run.id = x."runId"
      ), attempt AS (
        UPDATE run_attempts a SET "finishedAt" = i.now, outcome = 'succeeded',
          "reasonCode" = NULL, message = CASE WHEN i."fromSpill" THEN ${SPILL_LANDED_MESSAGE}::text END
        FROM input i JOIN run ON run.id = i."runId"
        WHERE a.token = i.token
      )
      SELECT run.id::text AS id,
        EXISTS (SELECT 1 FROM alert_rules ar WHERE ar."workspaceId" = run."workspaceId"
          AND ar."projectId" = run."projectId" AND ar.enabled) AS "alertRules",
        EXISTS (SELECT 1 FROM webhooks w WHERE w."workspaceId" = run."workspaceId" AND w.active
          AND 'run.completed' = ANY(w.events)) AS webhooks
      FROM run`;
    return new Map(rows.map(({ id, alertRules, webhooks }) => [id, { alertRules, webhooks }]));
  }
}

/** A Postgres array literal (`{1,2}`, `{"a b"}`) for values passed in a text[] and cast per row. */
function arrayLiteral(values: readonly (string | number)[]): string {
  return `{${values.map((v) => (typeof v === 'number' ? String(v) : `"${v.replace(/["\\]/g, '\\$&')}"`)).join(',')}}`;
}
