import { z } from 'zod';
import { runDetailResponseSchema } from '../runs/api/dto/run.dto';

// One run's evidence for an assistant: what was asked, the answer with each mention's character span, the
// citations, and a compact timeline (first token, each brand's first mention, citations, end of stream)
// instead of the per-chunk arrays of GET /v1/runs/:id. Derived from that route's response schema.

const detail = runDetailResponseSchema.shape;
const result = detail.result.unwrap().shape;

/** At most this many timeline events (first mentions and citations beyond it are in `mentions`/`citations`). */
export const MAX_TIMELINE_EVENTS = 60;

const timelineEventSchema = z.strictObject({
  atMs: z.number().describe('milliseconds after the request was sent'),
  kind: z.enum(['first_token', 'first_mention', 'citation', 'end']),
  brandId: z.uuid().nullable(),
  detail: z.string().describe('the matched text, the cited URL, or the finish reason'),
});

export const runEvidenceSchema = runDetailResponseSchema
  .pick({
    id: true,
    projectId: true,
    promptId: true,
    promptRevision: true,
    engineId: true,
    trigger: true,
    status: true,
    synthetic: true,
    createdAt: true,
    finishedAt: true,
    failureReason: true,
    skipReason: true,
    failureMessage: true,
    mentions: true,
    scores: true,
    citations: true,
  })
  .extend({
    question: z.string().nullable().describe('the prompt text the run asked (its provenance)'),
    answer: z
      .strictObject({
        text: result.answerText,
        complete: result.complete,
        finishReason: result.finishReason,
        flags: result.flags,
        responseModel: result.responseModel,
      })
      .nullable()
      .describe('null until the run has a result; mention and citation spans index into text'),
    timeline: z
      .strictObject({
        requestSentAt: result.timings.shape.requestSentAt,
        ttftMs: result.timings.shape.ttftMs,
        durationMs: result.timings.shape.durationMs,
        chunks: z.number().int(),
        events: z.array(timelineEventSchema),
      })
      .nullable(),
  });

export type RunDetail = z.infer<typeof runDetailResponseSchema>;
export type RunEvidence = z.infer<typeof runEvidenceSchema>;
type TimelineEvent = z.infer<typeof timelineEventSchema>;

/** Pure: the evidence view of a run detail. */
export function runEvidence(run: RunDetail): RunEvidence {
  const r = run.result;
  return {
    id: run.id,
    projectId: run.projectId,
    promptId: run.promptId,
    promptRevision: run.promptRevision,
    engineId: run.engineId,
    trigger: run.trigger,
    status: run.status,
    synthetic: run.synthetic,
    createdAt: run.createdAt,
    finishedAt: run.finishedAt,
    failureReason: run.failureReason,
    skipReason: run.skipReason,
    failureMessage: run.failureMessage,
    mentions: run.mentions,
    scores: run.scores,
    citations: run.citations,
    question: run.provenance.prompt?.text ?? null,
    answer: r
      ? {
          text: r.answerText,
          complete: r.complete,
          finishReason: r.finishReason,
          flags: r.flags,
          responseModel: r.responseModel,
        }
      : null,
    timeline: r
      ? {
          requestSentAt: r.timings.requestSentAt,
          ttftMs: r.timings.ttftMs,
          durationMs: r.timings.durationMs,
          chunks: r.chunks.length,
          events: timelineEvents(run),
        }
      : null,
  };
}

/** First token, each brand's first visible mention, every citation and the end, in arrival order. */
export function timelineEvents(run: RunDetail): TimelineEvent[] {
  const r = run.result;
  if (!r) return [];
  const events: TimelineEvent[] = [];
  if (r.timings.ttftMs !== null) {
    events.push({ atMs: r.timings.ttftMs, kind: 'first_token', brandId: null, detail: '' });
  }
  const seen = new Set<string>();
  for (const m of [...run.mentions].sort((a, b) => a.visibleAtMs - b.visibleAtMs)) {
    if (seen.has(m.brandId)) continue;
    seen.add(m.brandId);
    events.push({ atMs: m.visibleAtMs, kind: 'first_mention', brandId: m.brandId, detail: m.matched });
  }
  for (const c of run.citations) {
    events.push({ atMs: c.arrivedAtMs, kind: 'citation', brandId: c.brandId, detail: c.url });
  }
  const ordered = events.sort((a, b) => a.atMs - b.atMs).slice(0, MAX_TIMELINE_EVENTS - 1);
  if (r.timings.durationMs !== null) {
    ordered.push({ atMs: r.timings.durationMs, kind: 'end', brandId: null, detail: r.finishReason ?? '' });
  }
  return ordered;
}

export function evidenceSummary(e: RunEvidence): string {
  const label = e.synthetic ? ' synthetic (demo engine)' : '';
  if (!e.answer) return `Run ${e.id} (${e.status}${label}): no answer${failure(e)}.`;
  const brands = new Set(e.mentions.map((m) => m.brandId)).size;
  return (
    `Run ${e.id} (${e.status}${label}): ${e.answer.text.length} characters, ${e.mentions.length} mentions ` +
    `of ${brands} brands, ${e.citations.length} citations, first token at ${e.timeline?.ttftMs ?? '?'} ms.`
  );
}

const failure = (e: RunEvidence) =>
  e.failureReason ? ` (${e.failureReason})` : e.skipReason ? ` (${e.skipReason})` : '';
