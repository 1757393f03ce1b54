import { DEMO_TIMING, DemoAnswerGenerator } from './demo-answer-generator';
import { SeededRandom } from './seeded-random';

const brands = ['Acme', 'Globex Corporation', 'Initech', 'Umbrella'];
const input = { seed: 'seed-1', prompt: 'What is the best CRM for startups?', brands };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

describe('DemoAnswerGenerator', () => {
  it('is reproducible: same inputs give the same text and schedule', () => {
    expect(DemoAnswerGenerator.generate(input)).toEqual(DemoAnswerGenerator.generate(input));
  });

  it('varies brand order and inclusion with the seed', () => {
    const orders = new Set<string>();
    const sizes = new Set<number>();
    for (let i = 0; i < 60; i++) {
      const answer = DemoAnswerGenerator.generate({ ...input, seed: `s${i}` });
      orders.add(answer.listedBrands.join('|'));
      sizes.add(answer.listedBrands.length);
    }
    expect(orders.size).toBeGreaterThan(10);
    expect(sizes.size).toBeGreaterThan(1);
  });

  it('lists the brands it chose as a numbered markdown list, in order', () => {
    const answer = DemoAnswerGenerator.generate(input);
    expect(answer.listedBrands.length).toBeGreaterThan(0);
    answer.listedBrands.forEach((brand, index) =>
      expect(answer.text).toContain(`${index + 1}. **${brand}**`),
    );
    expect(answer.chunks.map((chunk) => chunk.text).join('')).toBe(answer.text);
    expect(answer.finishReason).toBe('stop');
  });

  it('cuts at maxTokens and finishes with length', () => {
    const answer = DemoAnswerGenerator.generate({ ...input, maxTokens: 5 });
    expect(answer).toMatchObject({ finishReason: 'length', completionTokens: 5 });
    expect(DemoAnswerGenerator.pseudoTokens(answer.text)).toHaveLength(5);
  });

  it('pseudo-tokenizes losslessly', () => {
    const text = 'Caf\u00e9 **Globex**: 1234 items \u{1F600}\n\n2. na\u00efve\ttabs  spaces!';
    const tokens = DemoAnswerGenerator.pseudoTokens(text);
    expect(tokens.join('')).toBe(text);
    expect(tokens.every((token) => token.length <= 7 || /^\n+$/.test(token))).toBe(true);
  });

  it('draws timing from the documented distributions', () => {
    const answers = Array.from({ length: 1500 }, (_, i) =>
      DemoAnswerGenerator.generate({ ...input, seed: `d${i}` }),
    );
    const ttft = median(answers.map((answer) => answer.ttftMs));
    expect(ttft).toBeGreaterThan(DEMO_TIMING.ttftMedianMs * 0.9);
    expect(ttft).toBeLessThan(DEMO_TIMING.ttftMedianMs * 1.1);
    const speeds = answers.map((answer) => answer.tokensPerSecond);
    const meanSpeed = speeds.reduce((sum, speed) => sum + speed, 0) / speeds.length;
    expect(Math.abs(meanSpeed - DEMO_TIMING.tokensPerSecondMean)).toBeLessThan(2);
    expect(Math.min(...speeds)).toBeGreaterThanOrEqual(DEMO_TIMING.tokensPerSecondMin);
    for (const answer of answers.slice(0, 50)) {
      expect(answer.headersDelayMs).toBeLessThan(answer.ttftMs);
      expect(answer.headersDelayMs + (answer.chunks[0]?.delayMs ?? NaN)).toBeCloseTo(answer.ttftMs, 6);
    }
  });
});

describe('SeededRandom', () => {
  it('repeats for a seed and differs between seeds', () => {
    const a = new SeededRandom('x');
    const b = new SeededRandom('x');
    const c = new SeededRandom('y');
    const draws = (random: SeededRandom): number[] => Array.from({ length: 5 }, () => random.next());
    const first = draws(a);
    expect(draws(b)).toEqual(first);
    expect(draws(c)).not.toEqual(first);
    expect(first.every((value) => value >= 0 && value < 1)).toBe(true);
  });
});
