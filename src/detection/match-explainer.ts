import { BrandWatchlist, type BrandSpec } from './brand-watchlist';
import { CompiledWatchlist } from './compiled-watchlist';
import { IncrementalMatcher, type DetectedMention } from './incremental-matcher';
import { type MatchTrace, type NearMissRule, type TracedMatch } from './match-trace';
import { TextNormalizer } from './text-normalizer';

export interface ExcludedMatch extends TracedMatch {
  /** The exclusion phrase as configured. */
  exclusion: string;
}

export interface NearMiss extends TracedMatch {
  rule: Exclude<NearMissRule, 'exclusion'>;
  /** For `overlap`, the alias or domain of the longer mention that won. */
  by: string | null;
}

export interface Explanation {
  /** What the pipeline counts, as it counts it. */
  mentions: DetectedMention[];
  /** Matches an exclusion removed. */
  excluded: ExcludedMatch[];
  /** Matches of an alias that a rule rejected, and aliases found only with case or diacritics folded. */
  nearMisses: NearMiss[];
}

/**
 * Why a text yields the mentions it does: the pipeline's IncrementalMatcher, run once over the whole text with
 * a trace (MatchTrace) and the near-miss patterns compiled in, so the verdicts are the pipeline's own.
 */
export class MatchExplainer {
  static explain(text: string, brands: readonly BrandSpec[]): Explanation {
    const collector = new TraceCollector();
    const compiled = new CompiledWatchlist(brands, { nearMisses: true });
    const matcher = new IncrementalMatcher(compiled, collector);
    const mentions = [...matcher.push(text, 0), ...matcher.end()];
    const excluded: ExcludedMatch[] = [];
    const nearMisses: NearMiss[] = [];
    const seen = new Set<string>();
    for (const { match, rule, by } of collector.rejections) {
      const key = `${match.brandId}|${match.start}|${match.end}|${rule}`;
      if (seen.has(key)) continue;
      // A variant of an alias losing to the alias itself ("Yahoo" inside "Yahoo!") is no near miss.
      if (rule === 'overlap' && by !== null && by.brandId === match.brandId) continue;
      if (mentions.some((m) => m.brandId === match.brandId && covers(m, match))) continue;
      seen.add(key);
      if (rule === 'exclusion') excluded.push({ ...plain(match), exclusion: by?.matched ?? '' });
      else nearMisses.push({ ...plain(match), rule, by: rule === 'overlap' ? (by?.matched ?? null) : null });
    }
    const explained = [
      ...mentions.map((m) => ({ brandId: m.brandId, start: m.charStart, end: m.charEnd })),
      ...excluded,
      ...nearMisses,
    ];
    for (const match of collector.nearMatches) {
      if (explained.some((m) => overlaps(m, match))) continue;
      const brand = brands.find((b) => b.id === match.brandId);
      if (brand === undefined) continue;
      const rule = MatchExplainer.foldingRule(text.slice(match.start, match.end), match.matched, brand);
      const key = `${match.brandId}|${match.start}|${match.end}|${rule}`;
      if (seen.has(key)) continue;
      seen.add(key);
      nearMisses.push({ ...plain(match), rule, by: null });
    }
    nearMisses.sort((a, b) => a.start - b.start || a.end - b.end);
    excluded.sort((a, b) => a.start - b.start);
    return { mentions, excluded, nearMisses };
  }

  /** Which folding the alias lacks to match `raw`: its case (`case`), or else its diacritics. */
  private static foldingRule(raw: string, aliasText: string, brand: BrandSpec): 'case' | 'diacritics' {
    const alias = BrandWatchlist.effectiveAliases(brand).find((a) => a.text === aliasText);
    const normalizer = new TextNormalizer({ caseFold: true, diacriticFold: alias?.foldDiacritics ?? true });
    const same =
      normalizer.normalizePhrase(raw).join(',') === normalizer.normalizePhrase(aliasText).join(',');
    return same ? 'case' : 'diacritics';
  }
}

class TraceCollector implements MatchTrace {
  readonly rejections: { match: TracedMatch; rule: NearMissRule; by: TracedMatch | null }[] = [];
  readonly nearMatches: TracedMatch[] = [];

  rejected(match: TracedMatch, rule: NearMissRule, by: TracedMatch | null): void {
    this.rejections.push({ match: plain(match), rule, by: by === null ? null : plain(by) });
  }

  near(match: TracedMatch): void {
    this.nearMatches.push(plain(match));
  }
}

/** Candidates are mutable matcher state: keep a copy of the fields the explanation shows. */
function plain(match: TracedMatch): TracedMatch {
  return { brandId: match.brandId, matched: match.matched, start: match.start, end: match.end };
}

function covers(mention: DetectedMention, match: TracedMatch): boolean {
  return mention.charStart <= match.start && match.end <= mention.charEnd;
}

function overlaps(a: { brandId: string; start: number; end: number }, b: TracedMatch): boolean {
  return a.brandId === b.brandId && a.start < b.end && b.start < a.end;
}
