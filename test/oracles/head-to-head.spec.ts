import { headToHead, type FirstAppearance } from './head-to-head';

const at = (order: number, ms: number, token: number): FirstAppearance => ({
  order,
  firstVisibleAtUs: ms * 1000,
  firstTokenIndex: token,
});

describe('headToHead', () => {
  it('counts first arrivals and median leads over runs where both appear', () => {
    const result = headToHead([
      { a: at(1, 500, 3), b: at(2, 1500, 40) },
      { a: at(1, 800, 10), b: at(3, 1000, 20) },
      { a: at(2, 2000, 90), b: at(1, 700, 5) },
      { a: at(1, 300, 2), b: null },
      { a: null, b: at(1, 400, 4) },
      { a: null, b: null },
    ]);
    expect(result).toMatchObject({
      runs: 6,
      bothMentioned: 3,
      onlyA: 1,
      onlyB: 1,
      neither: 1,
      aFirst: 2,
      bFirst: 1,
      // leads (B - A): 1000, 200, -1300 ms and 37, 10, -85 tokens
      medianLeadMs: 200,
      medianLeadTokens: 10,
    });
    expect(result.aFirstRate?.rate).toBeCloseTo(2 / 3, 12);
  });

  it('reports no rate or lead when the brands never meet', () => {
    const result = headToHead([{ a: at(1, 100, 1), b: null }]);
    expect(result).toMatchObject({
      bothMentioned: 0,
      aFirstRate: null,
      medianLeadMs: null,
      medianLeadTokens: null,
    });
  });

  it('keeps sub-millisecond leads', () => {
    const result = headToHead([
      {
        a: { order: 1, firstVisibleAtUs: 1000, firstTokenIndex: 1 },
        b: { order: 2, firstVisibleAtUs: 1250, firstTokenIndex: 1 },
      },
    ]);
    expect(result.medianLeadMs).toBe(0.25);
  });
});
