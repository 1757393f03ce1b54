import { classificationFigures, macroF1Interval, majorityLabel, type Scored } from './classification-metrics';

describe('classificationFigures', () => {
  it('computes accuracy, per-class and macro F1', () => {
    const items: Scored[] = [
      { gold: 'positive', predicted: 'positive' },
      { gold: 'positive', predicted: 'neutral' },
      { gold: 'neutral', predicted: 'neutral' },
      { gold: 'negative', predicted: 'positive' },
    ];
    const figures = classificationFigures(items);
    expect(figures.accuracy).toBe(0.5);
    // positive: tp 1, fp 1, fn 1 -> 2/4; neutral: tp 1, fp 1, fn 0 -> 2/3; negative: tp 0 -> 0.
    expect(figures.f1.positive).toBeCloseTo(0.5, 10);
    expect(figures.f1.neutral).toBeCloseTo(2 / 3, 10);
    expect(figures.f1.negative).toBe(0);
    expect(figures.macroF1).toBeCloseTo((0.5 + 2 / 3) / 3, 10);
  });

  it('gives the majority label and a reproducible bootstrap interval around the figure', () => {
    expect(majorityLabel(['neutral', 'negative', 'negative'])).toBe('negative');
    expect(majorityLabel(['positive', 'neutral'])).toBe('positive');
    const items: Scored[] = Array.from({ length: 60 }, (_, i) => ({
      gold: (['positive', 'neutral', 'negative'] as const)[i % 3]!,
      predicted: i % 5 === 0 ? 'neutral' : (['positive', 'neutral', 'negative'] as const)[i % 3]!,
    }));
    const [low, high] = macroF1Interval(items);
    expect(macroF1Interval(items)).toEqual([low, high]);
    const measured = classificationFigures(items).macroF1;
    expect(low).toBeLessThanOrEqual(measured);
    expect(high).toBeGreaterThanOrEqual(measured);
  });
});
