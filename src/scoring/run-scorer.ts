/**
 * Per-run scores (docs/metrics.md, "Per run and brand"): one scored row per mention and one row per tracked
 * brand, present or not, so aggregate denominators are honest. Pure: everything comes from the detected
 * mentions, the answer text and its token timeline.
 */
import { AnswerStructure } from '../detection/answer-structure';
import { tokenIndexAt } from '../detection/answer-tokenizer';
import { type DetectedMention } from '../detection/incremental-matcher';
import { contextIn } from '../detection/mention-context';
import { positionAdjustedWordCount, trakkrPoints } from './compatibility-scores';
import { DecimalText } from './decimal-text';

export type BrandKind = 'own' | 'competitor';

export interface RunScoringInput {
  brands: { id: string; kind: BrandKind }[];
  mentions: DetectedMention[];
  text: string;
  /** First non-empty answer text, µs since the request was sent; null only when the answer is empty. */
  ttftUs: number | null;
  tokenEnds: number[];
  foldTokens: number;
  halfLifeMs: number;
}

export interface ScoredMention extends DetectedMention {
  /** Token holding the mention's first character. */
  tokenIndex: number;
  /** visibleAtUs - ttftUs, never negative. */
  sinceFirstTokenUs: number;
  /** tokenIndex / answerTokens, in [0, 1). */
  relPosition: number;
  relPositionText: string;
  sentenceIndex: number;
  listRank: number | null;
  inHeading: boolean;
  inBold: boolean;
  snippet: string;
}

export interface BrandRunScore {
  brandId: string;
  kind: BrandKind;
  mentioned: boolean;
  mentionCount: number;
  firstVisibleAtUs: number | null;
  sinceFirstTokenUs: number | null;
  firstTokenIndex: number | null;
  relPosition: number | null;
  relPositionText: string | null;
  /** 1 for the first tracked brand to appear (by text position), 2 for the next, ...; null when absent. */
  order: number | null;
  aboveFold: boolean;
  /** 2^(-sinceFirstTokenMs / halfLifeMs), 0 when absent. */
  attention: number;
  attentionText: string;
  /** 100 * attention. */
  streamScore: number;
  streamScoreText: string;
  /** Trakkr-style 10..1 points (0 when absent). */
  trakkrPoints: number;
  /** GEO position-adjusted word count and its share of the answer's words (0 when absent). */
  geoWeightedWordsText: string;
  geoShareOfAnswerText: string;
}

export interface RunScores {
  mentions: ScoredMention[];
  brandScores: BrandRunScore[];
}

const ATTENTION_DECIMALS = 10;
const SCORE_DECIMALS = 8;
const POSITION_DECIMALS = 8;
const GEO_WORDS_DECIMALS = 8;
const GEO_SHARE_DECIMALS = 10;

export function scoreRun(input: RunScoringInput): RunScores {
  if (!(input.halfLifeMs > 0)) throw new RangeError('halfLifeMs must be positive');
  const tracked = new Set(input.brands.map((brand) => brand.id));
  const structure = new AnswerStructure(input.text);
  const answerTokens = input.tokenEnds.length;
  // Without a TTFT there was no answer text; a mention then can only come from inconsistent input, and
  // measuring from the request keeps the value defined instead of inventing a first token.
  const ttftUs = input.ttftUs ?? 0;

  const mentions = [...input.mentions]
    .sort((a, b) => a.charStart - b.charStart)
    .map((mention): ScoredMention => {
      if (!tracked.has(mention.brandId)) {
        throw new RangeError(`mention of untracked brand ${mention.brandId}`);
      }
      const tokenIndex = Math.max(0, tokenIndexAt(input.tokenEnds, mention.charStart));
      return {
        ...mention,
        tokenIndex,
        sinceFirstTokenUs: Math.max(0, mention.visibleAtUs - ttftUs),
        relPosition: answerTokens > 0 ? tokenIndex / answerTokens : 0,
        relPositionText: DecimalText.ofRatio(tokenIndex, Math.max(1, answerTokens), POSITION_DECIMALS),
        ...contextIn(structure, mention.charStart, mention.charEnd),
      };
    });

  const firstByBrand = new Map<string, ScoredMention>();
  const countByBrand = new Map<string, number>();
  for (const mention of mentions) {
    if (!firstByBrand.has(mention.brandId)) firstByBrand.set(mention.brandId, mention);
    countByBrand.set(mention.brandId, (countByBrand.get(mention.brandId) ?? 0) + 1);
  }
  const orderByBrand = new Map([...firstByBrand.keys()].map((brandId, index) => [brandId, index + 1]));
  const brandsNamed = orderByBrand.size;
  const geo = new Map(
    positionAdjustedWordCount(
      structure,
      mentions,
      input.brands.map((brand) => brand.id),
    ).map((g) => [g.brandId, g]),
  );
  const compat = (brandId: string, order: number | null) => ({
    trakkrPoints: trakkrPoints(order, brandsNamed),
    geoWeightedWordsText: DecimalText.ofNumber(geo.get(brandId)?.weightedWords ?? 0, GEO_WORDS_DECIMALS),
    geoShareOfAnswerText: DecimalText.ofNumber(geo.get(brandId)?.shareOfAnswer ?? 0, GEO_SHARE_DECIMALS),
  });

  const brandScores = input.brands.map((brand): BrandRunScore => {
    const first = firstByBrand.get(brand.id);
    if (first === undefined) {
      return {
        brandId: brand.id,
        kind: brand.kind,
        mentioned: false,
        mentionCount: 0,
        firstVisibleAtUs: null,
        sinceFirstTokenUs: null,
        firstTokenIndex: null,
        relPosition: null,
        relPositionText: null,
        order: null,
        aboveFold: false,
        attention: 0,
        attentionText: DecimalText.ofNumber(0, ATTENTION_DECIMALS),
        streamScore: 0,
        streamScoreText: DecimalText.ofNumber(0, SCORE_DECIMALS),
        ...compat(brand.id, null),
      };
    }
    const attention = 2 ** (-first.sinceFirstTokenUs / (input.halfLifeMs * 1000));
    const attentionText = DecimalText.ofNumber(attention, ATTENTION_DECIMALS);
    return {
      brandId: brand.id,
      kind: brand.kind,
      mentioned: true,
      mentionCount: countByBrand.get(brand.id) ?? 0,
      firstVisibleAtUs: first.visibleAtUs,
      sinceFirstTokenUs: first.sinceFirstTokenUs,
      firstTokenIndex: first.tokenIndex,
      relPosition: first.relPosition,
      relPositionText: first.relPositionText,
      order: orderByBrand.get(brand.id) ?? null,
      aboveFold: first.tokenIndex < input.foldTokens,
      attention,
      attentionText,
      streamScore: 100 * attention,
      // Derived from the stored attention digits, so streamScore = 100 * attention holds exactly in the DB.
      streamScoreText: DecimalText.multiplyByPowerOfTen(attentionText, 2),
      ...compat(brand.id, orderByBrand.get(brand.id) ?? null),
    };
  });

  return { mentions, brandScores };
}
