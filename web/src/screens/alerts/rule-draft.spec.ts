import { emptyRuleDraft, isRuleFormKey, ruleBodyOf, ruleDraftOf, type AlertRule } from './rule-draft';

describe('alert rule draft', () => {
  it('sends what was typed: numbers as numbers, anything else as typed, empty fields left out', () => {
    const draft = emptyRuleDraft();
    draft.name = 'Drop';
    draft.params = { ...draft.params, windowHours: 'a week', dropPoints: ' 12.5 ', minRuns: '', brandId: '' };
    expect(ruleBodyOf(draft)).toEqual({
      name: 'Drop',
      kind: 'mention_rate_drop',
      enabled: true,
      params: { windowHours: 'a week', dropPoints: 12.5 },
    });
  });

  it('sends only the parameters of the chosen kind', () => {
    const draft = { ...emptyRuleDraft(), kind: 'first_own_domain_citation' as const };
    expect(ruleBodyOf(draft).params).toEqual({});
  });

  it('reads a stored rule back into the form', () => {
    const rule = {
      name: 'Overtake',
      kind: 'competitor_overtake',
      enabled: false,
      params: { competitorId: 'c1', windowHours: 24, minRuns: 10, hysteresisPoints: 10 },
    } as unknown as AlertRule;
    const draft = ruleDraftOf(rule);
    expect(draft.params).toMatchObject({ competitorId: 'c1', windowHours: '24', brandId: '' });
    expect(ruleBodyOf(draft).params).toEqual({
      competitorId: 'c1',
      windowHours: 24,
      minRuns: 10,
      hysteresisPoints: 10,
    });
  });

  it('knows which keys the form shows', () => {
    expect(isRuleFormKey('params.windowHours')).toBe(true);
    expect(isRuleFormKey('params.colour')).toBe(false);
    expect(isRuleFormKey('name')).toBe(true);
  });
});
