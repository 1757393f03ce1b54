import {
  evaluateAboveFold,
  evaluateCompetitorOvertake,
  evaluateFirstOwnDomainCitation,
  evaluateMentionRateDrop,
  type Evaluation,
  type RuleState,
} from './alert-evaluator';

const fresh: RuleState = { firing: false, side: null, lastValue: null };

/** Feeds observations one landing after another and returns every evaluation. */
function sequence<O>(evaluate: (s: RuleState, o: O) => Evaluation, observations: O[]): Evaluation[] {
  let state = fresh;
  return observations.map((o) => {
    const e = evaluate(state, o);
    state = e.state;
    return e;
  });
}

describe('mention_rate_drop', () => {
  const p = { windowHours: 24, dropPoints: 20, minRuns: 10, hysteresisPoints: 10 };
  const obs = (previousPct: number, currentPct: number, n = 100) => ({
    previous: { n, hits: previousPct * (n / 100) },
    current: { n, hits: currentPct * (n / 100) },
  });

  it('fires when the drop reaches dropPoints exactly, with the figures', () => {
    // 0.6 - 0.4 is 0.19999999999999996 in floating point: exactly 20 points must still fire.
    const e = evaluateMentionRateDrop(p, fresh, {
      previous: { n: 10, hits: 6 },
      current: { n: 10, hits: 4 },
    });
    expect(e.trigger).toEqual({
      transition: 'fired',
      figures: {
        currentRatePercent: 40,
        previousRatePercent: 60,
        dropPoints: 20,
        thresholdPoints: 20,
        currentN: 10,
        previousN: 10,
      },
    });
    expect(e.state).toEqual({ firing: true, side: null, lastValue: 20 });
  });

  it('does not fire below the threshold', () => {
    const e = evaluateMentionRateDrop(p, fresh, obs(60, 41));
    expect(e.trigger).toBeNull();
    expect(e.state.firing).toBe(false);
    expect(e.state.lastValue).toBe(19);
  });

  it('decides nothing while either window holds fewer than minRuns runs', () => {
    const firing = { firing: true, side: null, lastValue: 25 };
    for (const o of [
      { previous: { n: 9, hits: 9 }, current: { n: 50, hits: 0 } },
      { previous: { n: 50, hits: 50 }, current: { n: 9, hits: 0 } },
    ]) {
      expect(evaluateMentionRateDrop(p, fresh, o)).toEqual({ state: fresh, trigger: null, decided: false });
      expect(evaluateMentionRateDrop(p, firing, o).state).toBe(firing);
    }
  });

  it('does not flap: a drop oscillating around the threshold fires once', () => {
    const drops = [21, 19, 22, 18, 20, 11, 25];
    const results = sequence(
      (s, o: ReturnType<typeof obs>) => evaluateMentionRateDrop(p, s, o),
      drops.map((d) => obs(60, 60 - d)),
    );
    expect(results.filter((e) => e.trigger)).toHaveLength(1);
    expect(results.map((e) => e.state.firing)).toEqual([true, true, true, true, true, true, true]);
  });

  it('fires again only after clearing by the hysteresis margin', () => {
    const drops = [21, 10, 20]; // 10 <= 20 - 10 clears
    const results = sequence(
      (s, o: ReturnType<typeof obs>) => evaluateMentionRateDrop(p, s, o),
      drops.map((d) => obs(60, 60 - d)),
    );
    expect(results.map((e) => e.trigger?.transition ?? null)).toEqual(['fired', null, 'fired']);
    expect(results.map((e) => e.state.firing)).toEqual([true, false, true]);
  });
});

describe('competitor_overtake', () => {
  const p = { windowHours: 24, minRuns: 10, hysteresisPoints: 10 };

  it('fires when the competitor comes first in more than half of both-mentioned runs', () => {
    expect(
      evaluateCompetitorOvertake(p, fresh, { bothMentioned: 10, competitorFirst: 5 }).trigger,
    ).toBeNull();
    const e = evaluateCompetitorOvertake(p, fresh, { bothMentioned: 10, competitorFirst: 6 });
    expect(e.trigger).toEqual({
      transition: 'fired',
      figures: {
        competitorFirstRatePercent: 60,
        brandFirstRatePercent: 40,
        thresholdPercent: 50,
        bothMentioned: 10,
        competitorFirst: 6,
      },
    });
  });

  it('needs minRuns runs where both are mentioned', () => {
    expect(evaluateCompetitorOvertake(p, fresh, { bothMentioned: 9, competitorFirst: 9 }).decided).toBe(
      false,
    );
    expect(
      evaluateCompetitorOvertake({ ...p, minRuns: 0 }, fresh, { bothMentioned: 0, competitorFirst: 0 })
        .decided,
    ).toBe(false);
  });

  it('does not flap around 50% and re-fires after clearing to 50 - hysteresis', () => {
    const rates = [60, 50, 55, 45, 51, 40, 70];
    const results = sequence(
      (s, o: { bothMentioned: number; competitorFirst: number }) => evaluateCompetitorOvertake(p, s, o),
      rates.map((r) => ({ bothMentioned: 100, competitorFirst: r })),
    );
    expect(results.map((e) => e.trigger !== null)).toEqual([true, false, false, false, false, false, true]);
    expect(results.map((e) => e.state.firing)).toEqual([true, true, true, true, true, false, true]);
  });
});

describe('above_fold_change', () => {
  const p = {
    windowHours: 24,
    thresholdPercent: 50,
    direction: 'both' as const,
    minRuns: 10,
    hysteresisPoints: 10,
  };
  const obs = (pct: number) => ({ current: { n: 100, hits: pct } });
  const run = (
    params: typeof p | (Omit<typeof p, 'direction'> & { direction: 'entering' | 'leaving' }),
    rates: number[],
  ) =>
    sequence((s, o: ReturnType<typeof obs>) => evaluateAboveFold(params, s, o), rates.map(obs)).map(
      (e) => e.trigger?.transition ?? null,
    );

  it('records the first side without firing, then fires on leaving and on entering', () => {
    expect(run(p, [60, 40, 60])).toEqual([null, 'leaving', 'entering']);
    const first = evaluateAboveFold(p, fresh, obs(49));
    expect(first.state).toEqual({ firing: false, side: 'below', lastValue: 49 });
    const entering = evaluateAboveFold(p, first.state, obs(55));
    expect(entering.trigger).toEqual({
      transition: 'entering',
      figures: {
        aboveFoldRatePercent: 55,
        thresholdPercent: 50,
        hysteresisPoints: 10,
        n: 100,
        aboveFold: 55,
      },
    });
  });

  it('does not flap: rates oscillating inside the band fire nothing, one real crossing fires once', () => {
    expect(run(p, [60, 48, 52, 46, 54, 50, 45.5])).toEqual([null, null, null, null, null, null, null]);
    expect(run(p, [60, 44, 52, 46, 54, 47, 45])).toEqual([null, 'leaving', null, null, null, null, null]);
  });

  it('fires only the chosen direction', () => {
    expect(run({ ...p, direction: 'leaving' }, [60, 40, 60, 40])).toEqual([null, 'leaving', null, 'leaving']);
    expect(run({ ...p, direction: 'entering' }, [60, 40, 60, 40])).toEqual([null, null, 'entering', null]);
  });

  it('decides nothing below minRuns', () => {
    expect(evaluateAboveFold(p, fresh, { current: { n: 9, hits: 9 } }).decided).toBe(false);
  });
});

describe('first_own_domain_citation', () => {
  it('fires once per rule, on the first landing that cites an own domain', () => {
    const none = { citedUrls: [], citedDomains: [] };
    const cited = { citedUrls: ['https://acme.com/pricing'], citedDomains: ['acme.com'] };
    const results = sequence(evaluateFirstOwnDomainCitation, [none, cited, cited, none, cited]);
    expect(results.map((e) => e.trigger?.transition ?? null)).toEqual([
      null,
      'first_citation',
      null,
      null,
      null,
    ]);
    expect(results[1]!.trigger!.figures).toEqual({
      citations: 1,
      urls: ['https://acme.com/pricing'],
      domains: ['acme.com'],
    });
  });
});
