import {
  evidenceSummary,
  MAX_TIMELINE_EVENTS,
  runEvidence,
  runEvidenceSchema,
  type RunDetail,
} from './run-evidence';

const A = '00000000-0000-4000-8000-00000000000a';
const G = '00000000-0000-4000-8000-00000000000b';
const ID = '00000000-0000-4000-8000-000000000001';

const mention = (brandId: string, matched: string, charStart: number, visibleAtMs: number) => ({
  brandId,
  matched,
  charStart,
  charEnd: charStart + matched.length,
  tokenIndex: 0,
  visibleAtMs,
  sinceFirstTokenMs: visibleAtMs - 100,
  relPosition: 0,
  sentenceIndex: 0,
  listRank: null,
  inHeading: false,
  inBold: false,
  snippet: matched,
  sentiment: null,
  sentimentScore: null,
});

const citation = (position: number, arrivedAtMs: number) => ({
  position,
  url: `https://g2.com/${position}`,
  domain: 'g2.com',
  title: null,
  charStart: null,
  charEnd: null,
  arrivedAtMs,
  brandId: null,
});

function run(overrides: Partial<RunDetail> = {}): RunDetail {
  return {
    id: ID,
    projectId: ID,
    promptId: ID,
    promptRevision: 1,
    engineId: ID,
    slotAt: '2026-12-01T00:00:00.000Z',
    sample: 0,
    trigger: 'manual',
    status: 'succeeded',
    synthetic: false,
    attempts: 1,
    failureReason: null,
    skipReason: null,
    createdAt: '2026-12-01T00:00:00.000Z',
    startedAt: '2026-12-01T00:00:00.000Z',
    finishedAt: '2026-12-01T00:00:01.000Z',
    ttftMs: 100,
    mentionedBrandIds: [A, G],
    firstBrandId: A,
    failureMessage: null,
    provenance: { prompt: { revision: 1, text: 'best crm?' }, engine: null, scoring: null },
    result: {
      complete: true,
      answerText: 'Acme, then Globex, then Acme again.',
      reasoningText: null,
      finishReason: 'stop',
      flags: [],
      responseModel: 'm',
      usage: { inputTokens: null, outputTokens: null },
      estimatedCostUsd: null,
      timings: { requestSentAt: '2026-12-01T00:00:00.000Z', headersMs: 50, ttftMs: 100, durationMs: 900 },
      answerTokens: 9,
      chunks: [0, 1, 2].map((index) => ({
        index,
        charStart: index * 10,
        charEnd: index * 10 + 10,
        arrivalMs: 100 + index * 300,
      })),
    },
    mentions: [mention(A, 'Acme', 0, 100), mention(G, 'Globex', 11, 400), mention(A, 'Acme', 29, 700)],
    scores: [],
    citations: [citation(1, 650)],
    attemptLog: [],
    ...overrides,
  };
}

describe('runEvidence', () => {
  it('keeps the question, the answer and every mention span; the timeline has first mentions only, in order', () => {
    const e = runEvidence(run());
    expect(runEvidenceSchema.safeParse(e).success).toBe(true);
    expect(e.question).toBe('best crm?');
    expect(e.answer?.text.slice(e.mentions[1]!.charStart, e.mentions[1]!.charEnd)).toBe('Globex');
    expect(e.mentions).toHaveLength(3);
    expect(e.timeline).toEqual({
      requestSentAt: '2026-12-01T00:00:00.000Z',
      ttftMs: 100,
      durationMs: 900,
      chunks: 3,
      events: [
        { atMs: 100, kind: 'first_token', brandId: null, detail: '' },
        { atMs: 100, kind: 'first_mention', brandId: A, detail: 'Acme' },
        { atMs: 400, kind: 'first_mention', brandId: G, detail: 'Globex' },
        { atMs: 650, kind: 'citation', brandId: null, detail: 'https://g2.com/1' },
        { atMs: 900, kind: 'end', brandId: null, detail: 'stop' },
      ],
    });
    expect(evidenceSummary(e)).toBe(
      `Run ${ID} (succeeded): 35 characters, 3 mentions of 2 brands, 1 citations, first token at 100 ms.`,
    );
  });

  it('bounds the timeline and always ends it with the end of the stream', () => {
    const many = Array.from({ length: 200 }, (_, i) => citation(i, 100 + i));
    const events = runEvidence(run({ citations: many })).timeline!.events;
    expect(events).toHaveLength(MAX_TIMELINE_EVENTS);
    expect(events.at(-1)?.kind).toBe('end');
  });

  it('has no answer nor timeline before a result, and labels synthetic runs', () => {
    const e = runEvidence(
      run({
        result: null,
        status: 'failed',
        failureReason: 'auth_failed',
        synthetic: true,
        mentions: [],
        citations: [],
      }),
    );
    expect(runEvidenceSchema.safeParse(e).success).toBe(true);
    expect(e.answer).toBeNull();
    expect(e.timeline).toBeNull();
    expect(evidenceSummary(e)).toBe(`Run ${ID} (failed synthetic (demo engine)): no answer (auth_failed).`);
  });
});
