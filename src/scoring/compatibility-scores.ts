/**
 * Position scores in the shape other tools report, computed from streamrank's own events so users can
 * compare like with like. None of these uses time; the Stream Visibility Score is the one that does.
 */
import { type AnswerStructure } from '../detection/answer-structure';
import { mean } from './statistics';

/**
 * Ordinal "average position": the mean of the brand's `order` over the runs where it appears (1 = first
 * tracked brand named). Absent runs are left out, as incumbents do; report it next to the mention rate.
 */
export function averagePosition(orders: readonly (number | null)[]): number | null {
  return mean(orders.filter((order): order is number => order !== null));
}

export type PositionBand = 'top' | 'middle' | 'bottom';

/**
 * Scrunch-style band of where the first mention sits in the answer, by relative token position: top
 * quartile when relPosition < 0.25, bottom quartile when relPosition >= 0.75, middle otherwise.
 */
export function positionBand(relPosition: number): PositionBand {
  if (!(relPosition >= 0 && relPosition <= 1)) {
    throw new RangeError(`relPosition out of [0, 1]: ${relPosition}`);
  }
  if (relPosition < 0.25) return 'top';
  if (relPosition >= 0.75) return 'bottom';
  return 'middle';
}

/**
 * Trakkr-style 10..1 points for one run (Trakkr does not publish its formula; this is ours):
 *
 *   points = 0                                              when the brand is absent
 *   points = 10                                             when it is the only tracked brand named
 *   points = max(1, round(10 - 9 * sqrt((order - 1) / (brandsNamed - 1))))   otherwise
 *
 * where brandsNamed is the number of tracked brands named in the answer. The first brand gets 10 and the
 * last gets 1; the square root makes the drop steep near the top (5 brands: 10, 6, 4, 2, 1), matching how
 * attention falls off down a list. `round` is half-up (Math.round).
 */
export function trakkrPoints(order: number | null, brandsNamed: number): number {
  if (order === null) return 0;
  if (!Number.isInteger(order) || order < 1 || order > brandsNamed) {
    throw new RangeError(`order ${order} is not within 1..${brandsNamed}`);
  }
  if (brandsNamed === 1) return 10;
  return Math.max(1, Math.round(10 - 9 * Math.sqrt((order - 1) / (brandsNamed - 1))));
}

export interface PositionAdjustedWordCount {
  brandId: string;
  /** Sum over sentences naming the brand of |s| * e^(-pos(s)/|S|), split between brands sharing a sentence. */
  weightedWords: number;
  /** weightedWords / total words of the answer: the GEO paper's normalisation. */
  shareOfAnswer: number;
  /** weightedWords / sum of weightedWords over all brands (0 when no brand is named). */
  shareOfBrands: number;
}

/**
 * Position-adjusted word count from GEO (Aggarwal et al., KDD 2024), adapted from cited sources to named
 * brands:
 *
 *   Imp(b, r) = sum over sentences s of r naming b of  |s| / k(s) * e^(-pos(s) / |S|)
 *
 * |s| is the sentence's word count (Intl.Segmenter word segments), pos(s) its 0-based index, |S| the number
 * of sentences (AnswerStructure's sentence rules: each line is at least one sentence) and k(s) the number of
 * distinct brands named in s, so a sentence naming three brands is shared rather than counted three times
 * (several mentions of one brand in a sentence count once). Returned for every brand id in `brandIds`, in that
 * order, with both the paper's normalisation (by the answer's total words) and a share among brands.
 */
export function positionAdjustedWordCount(
  structure: AnswerStructure,
  mentions: readonly { brandId: string; charStart: number }[],
  brandIds: readonly string[],
): PositionAdjustedWordCount[] {
  const wordCounts = structure.sentenceWordCounts();
  const sentenceCount = wordCounts.length;
  const brandsBySentence = new Map<number, Set<string>>();
  for (const mention of mentions) {
    const sentence = structure.sentenceIndexAt(mention.charStart);
    const brands = brandsBySentence.get(sentence) ?? new Set<string>();
    brands.add(mention.brandId);
    brandsBySentence.set(sentence, brands);
  }
  const weighted = new Map<string, number>(brandIds.map((id) => [id, 0]));
  for (const [sentence, brands] of brandsBySentence) {
    const words = wordCounts[sentence] ?? 0;
    const share = (words / brands.size) * Math.exp(-sentence / sentenceCount);
    for (const brandId of brands) weighted.set(brandId, (weighted.get(brandId) ?? 0) + share);
  }
  const totalWords = wordCounts.reduce((sum, words) => sum + words, 0);
  const totalWeighted = brandIds.reduce((sum, id) => sum + (weighted.get(id) ?? 0), 0);
  return brandIds.map((brandId) => {
    const weightedWords = weighted.get(brandId) ?? 0;
    return {
      brandId,
      weightedWords,
      shareOfAnswer: totalWords > 0 ? weightedWords / totalWords : 0,
      shareOfBrands: totalWeighted > 0 ? weightedWords / totalWeighted : 0,
    };
  });
}
