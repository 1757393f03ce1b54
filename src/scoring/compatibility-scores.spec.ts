import { AnswerStructure } from '../detection/answer-structure';
import {
  averagePosition,
  positionAdjustedWordCount,
  positionBand,
  trakkrPoints,
} from './compatibility-scores';

describe('averagePosition', () => {
  it('averages order over runs where the brand appears', () => {
    expect(averagePosition([1, null, 3, 2])).toBe(2);
    expect(averagePosition([null, null])).toBeNull();
  });
});

describe('positionBand', () => {
  it.each([
    [0, 'top'],
    [0.2499, 'top'],
    [0.25, 'middle'],
    [0.7499, 'middle'],
    [0.75, 'bottom'],
    [1, 'bottom'],
  ])('%f is %s', (relPosition, band) => {
    expect(positionBand(relPosition)).toBe(band);
  });

  it('rejects positions outside [0, 1]', () => {
    expect(() => positionBand(1.2)).toThrow(RangeError);
  });
});

describe('trakkrPoints', () => {
  it('gives 10 to the first and 1 to the last with square-root scaling', () => {
    expect([1, 2, 3, 4, 5].map((order) => trakkrPoints(order, 5))).toEqual([10, 6, 4, 2, 1]);
    expect([1, 2].map((order) => trakkrPoints(order, 2))).toEqual([10, 1]);
    expect(trakkrPoints(1, 1)).toBe(10);
    expect(trakkrPoints(null, 4)).toBe(0);
  });

  it('never goes below 1 for a named brand and rejects impossible orders', () => {
    for (let order = 1; order <= 30; order++) expect(trakkrPoints(order, 30)).toBeGreaterThanOrEqual(1);
    expect(() => trakkrPoints(4, 3)).toThrow(RangeError);
  });
});

describe('positionAdjustedWordCount', () => {
  const text = 'Acme is the best tool overall.\nBeta and Acme are both fine.\nGamma is last here, sadly.';
  const structure = new AnswerStructure(text);
  const at = (brandId: string, needle: string, from = 0) => ({
    brandId,
    charStart: text.indexOf(needle, from),
  });

  it('weights each sentence by its words and e^(-pos/|S|), sharing sentences between brands', () => {
    const mentions = [at('acme', 'Acme'), at('beta', 'Beta'), at('acme', 'Acme', 10), at('gamma', 'Gamma')];
    const result = positionAdjustedWordCount(structure, mentions, ['acme', 'beta', 'gamma', 'delta']);
    const s0 = 6;
    const s1 = 6 * Math.exp(-1 / 3);
    const s2 = 5 * Math.exp(-2 / 3);
    expect(result.map((row) => row.brandId)).toEqual(['acme', 'beta', 'gamma', 'delta']);
    expect(result[0]?.weightedWords).toBeCloseTo(s0 + s1 / 2, 12);
    expect(result[1]?.weightedWords).toBeCloseTo(s1 / 2, 12);
    expect(result[2]?.weightedWords).toBeCloseTo(s2, 12);
    expect(result[3]).toEqual({ brandId: 'delta', weightedWords: 0, shareOfAnswer: 0, shareOfBrands: 0 });
    expect(result[0]?.shareOfAnswer).toBeCloseTo((s0 + s1 / 2) / 17, 12);
    expect(result.reduce((sum, row) => sum + row.shareOfBrands, 0)).toBeCloseTo(1, 12);
  });

  it('is all zero without mentions', () => {
    expect(positionAdjustedWordCount(structure, [], ['acme'])).toEqual([
      { brandId: 'acme', weightedWords: 0, shareOfAnswer: 0, shareOfBrands: 0 },
    ]);
  });
});
