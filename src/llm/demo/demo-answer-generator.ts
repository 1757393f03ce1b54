/**
 * The demo engine's answers and their timing: pure, deterministic in (seed, prompt, brands, maxTokens).
 *
 * Timing model (see README.md in this folder for the reasoning and sources). All draws come from one
 * SeededRandom seeded with `seed + prompt + brands`, so the same inputs give the same text *and* timing.
 *   - headers latency  lognormal, median 90 ms, sigma 0.35, capped at 80% of TTFT
 *   - TTFT             lognormal, median 450 ms, sigma 0.5 (p10 ~ 237 ms, p90 ~ 855 ms), clamped 80..5000 ms
 *   - tokens/second    normal, mean 55, sd 12, clamped 15..120; one draw per answer (a model/load "mood")
 *   - chunk size       1, 2, 3, 4 pseudo-tokens with probabilities 0.55, 0.25, 0.12, 0.08 (mean 1.73)
 *   - chunk gap        size / tps, times lognormal jitter (median 1, sigma 0.35)
 *   - stalls           with probability 0.02 per chunk, an extra uniform 150..600 ms pause
 *
 * Pseudo-tokens: a regex split (short letter runs with their leading space, up to 3 digits, single
 * punctuation, whitespace) that approximates BPE granularity closely enough for timing; brand names longer
 * than six letters get split across chunks, as real tokenizers split rare names.
 */
import { SeededRandom } from './seeded-random';

export interface DemoAnswerInput {
  seed: string;
  prompt: string;
  brands: readonly string[];
  /** Cut the answer at this many pseudo-tokens and finish with `length`, like a real max_tokens. */
  maxTokens?: number;
}

export interface DemoChunk {
  /** Milliseconds after the previous write (for the first chunk: after the response headers). */
  delayMs: number;
  text: string;
}

export interface DemoAnswer {
  text: string;
  headersDelayMs: number;
  /** Request to first content chunk. */
  ttftMs: number;
  tokensPerSecond: number;
  chunks: DemoChunk[];
  /** Brands as listed in the answer, in order (some of the input brands may be omitted). */
  listedBrands: string[];
  promptTokens: number;
  completionTokens: number;
  finishReason: 'stop' | 'length';
}

export const DEMO_TIMING = {
  headersMedianMs: 90,
  headersSigma: 0.35,
  ttftMedianMs: 450,
  ttftSigma: 0.5,
  ttftMinMs: 80,
  ttftMaxMs: 5000,
  tokensPerSecondMean: 55,
  tokensPerSecondSd: 12,
  tokensPerSecondMin: 15,
  tokensPerSecondMax: 120,
  chunkSizeWeights: [0.55, 0.25, 0.12, 0.08],
  jitterSigma: 0.35,
  stallProbability: 0.02,
  stallMinMs: 150,
  stallMaxMs: 600,
  /** Probability that each brand appears in a given answer. */
  brandInclusion: 0.8,
} as const;

const PSEUDO_TOKEN = / ?[\p{L}\p{M}]{1,6}| ?\p{N}{1,3}| ?[^\s\p{L}\p{M}\p{N}]|\n+|\s/gu;

const INTROS = [
  'Here are some of the most widely recommended options',
  'There is no single best choice, but these are strong candidates',
  'Based on features, pricing and user reviews, these stand out',
  'Several tools are worth a look',
] as const;
const EARLY_MENTIONS = [
  'Many teams start with **{brand}**, but it is worth comparing a few.',
  '**{brand}** comes up most often in discussions, though the alternatives are close.',
] as const;
const BLURBS = [
  'a mature option with a large community and plenty of integrations.',
  'known for a clean interface and a gentle learning curve.',
  'strong on reporting and analytics, popular with larger teams.',
  'good value for small teams, with a generous free tier.',
  'flexible and highly configurable, at the cost of some setup time.',
  'well reviewed for customer support and reliability.',
  'a newer entrant that is improving quickly.',
  'a solid all-rounder that rarely disappoints.',
] as const;
const CLOSINGS = [
  'The right choice depends on your budget, team size and the integrations you need.',
  'If you can, trial two or three of these before committing.',
  'Check current pricing, since plans change often.',
] as const;

export class DemoAnswerGenerator {
  static generate(input: DemoAnswerInput): DemoAnswer {
    const random = new SeededRandom(`${input.seed}\u0000${input.prompt}\u0000${input.brands.join('\u0001')}`);
    const { text, listedBrands } = DemoAnswerGenerator.compose(random, input);
    let tokens = DemoAnswerGenerator.pseudoTokens(text);
    let finishReason: 'stop' | 'length' = 'stop';
    if (input.maxTokens !== undefined && input.maxTokens > 0 && tokens.length > input.maxTokens) {
      tokens = tokens.slice(0, input.maxTokens);
      finishReason = 'length';
    }
    return {
      ...DemoAnswerGenerator.schedule(random, tokens),
      text: tokens.join(''),
      listedBrands,
      promptTokens: DemoAnswerGenerator.pseudoTokens(input.prompt).length + 8,
      completionTokens: tokens.length,
      finishReason,
    };
  }

  /** Splits text into pseudo-tokens whose concatenation is exactly the input. */
  static pseudoTokens(text: string): string[] {
    return text.match(PSEUDO_TOKEN) ?? [];
  }

  private static compose(
    random: SeededRandom,
    input: DemoAnswerInput,
  ): { text: string; listedBrands: string[] } {
    const brands = [...new Set(input.brands.map((brand) => brand.trim()).filter((brand) => brand !== ''))];
    let listed = random.shuffle(brands).filter(() => random.chance(DEMO_TIMING.brandInclusion));
    // Omitting every brand would make most demo runs uninteresting; keep at least one.
    if (listed.length === 0 && brands.length > 0) listed = [random.pick(brands)];

    const topic = input.prompt
      .trim()
      .replace(/[?.!\s]+$/, '')
      .slice(0, 120);
    const lines: string[] = [];
    let intro = `${random.pick(INTROS)}${topic === '' ? '' : ` for "${topic}"`}:`;
    if (listed.length > 0 && random.chance(0.3)) {
      intro = `${random.pick(EARLY_MENTIONS).replace('{brand}', random.pick(listed))} ${intro}`;
    }
    lines.push(intro, '');
    if (listed.length === 0) {
      lines.push('I could not find specific products to recommend for this request.');
    }
    listed.forEach((brand, index) => lines.push(`${index + 1}. **${brand}**: ${random.pick(BLURBS)}`));
    lines.push('');
    const first = listed[0];
    if (first !== undefined && random.chance(0.4)) {
      lines.push(`For most readers, **${first}** is the safest starting point. ${random.pick(CLOSINGS)}`);
    } else {
      lines.push(random.pick(CLOSINGS));
    }
    return { text: lines.join('\n'), listedBrands: listed };
  }

  private static schedule(
    random: SeededRandom,
    tokens: readonly string[],
  ): Pick<DemoAnswer, 'headersDelayMs' | 'ttftMs' | 'tokensPerSecond' | 'chunks'> {
    const t = DEMO_TIMING;
    const ttftMs = clamp(random.lognormal(t.ttftMedianMs, t.ttftSigma), t.ttftMinMs, t.ttftMaxMs);
    const headersDelayMs = Math.min(random.lognormal(t.headersMedianMs, t.headersSigma), ttftMs * 0.8);
    const tokensPerSecond = clamp(
      random.normal(t.tokensPerSecondMean, t.tokensPerSecondSd),
      t.tokensPerSecondMin,
      t.tokensPerSecondMax,
    );
    const chunks: DemoChunk[] = [];
    for (let i = 0; i < tokens.length;) {
      const size = random.weighted(t.chunkSizeWeights) + 1;
      const text = tokens.slice(i, i + size).join('');
      let delayMs: number;
      if (chunks.length === 0) {
        delayMs = ttftMs - headersDelayMs;
      } else {
        delayMs = (size / tokensPerSecond) * 1000 * random.lognormal(1, t.jitterSigma);
        if (random.chance(t.stallProbability)) {
          delayMs += t.stallMinMs + random.next() * (t.stallMaxMs - t.stallMinMs);
        }
      }
      chunks.push({ delayMs, text });
      i += size;
    }
    return { headersDelayMs, ttftMs, tokensPerSecond, chunks };
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
