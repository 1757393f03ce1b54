// From a captured answer to the rows the ledger stores: token timeline, scored mentions, one score per brand.
// Shared by the live pipeline (mentions detected while streaming) and the backfill (mentions re-detected by
// replaying the stored chunks), so both produce identical rows for identical inputs.
import { tokenizeTimeline } from '../../detection/answer-tokenizer';
import { type BrandSpec } from '../../detection/brand-watchlist';
import { type CompiledWatchlist } from '../../detection/compiled-watchlist';
import { DomainIndex } from '../../detection/domain-index';
import { IncrementalMatcher, type DetectedMention } from '../../detection/incremental-matcher';
import { sentimentOfMentions } from '../../insights/sentiment/answer-sentiment';
import { type SentimentLabel } from '../../insights/sentiment/mention-sentiment';
import { scoreRun, type BrandKind } from '../../scoring/run-scorer';
import { type CapturedCitation } from '../recording/captured-stream';

export interface StoredAnswer {
  answerText: string;
  chunkEnds: number[];
  chunkArrivalsUs: number[];
  ttftUs: number | null;
}

export interface AnalysisBrand extends BrandSpec {
  kind: BrandKind;
}

/** A detected mention as stored (decimals as exact text); the repositories map it to their rows. */
export interface MentionRow {
  brandId: string;
  matched: string;
  charStart: number;
  charEnd: number;
  tokenIndex: number;
  visibleAtUs: number;
  sinceFirstTokenUs: number;
  relPosition: string;
  sentenceIndex: number;
  listRank: number | null;
  inHeading: boolean;
  inBold: boolean;
  snippet: string;
  /** How the sentence or list item around the mention speaks of the brand (docs/sentiment.md). */
  sentiment: SentimentLabel;
  /** In [-1, 1], 3 decimals, as exact text. */
  sentimentScore: string;
}

/** One brand's score for a run as stored (decimals as exact text). */
export interface ScoreRow {
  brandId: string;
  mentioned: boolean;
  mentionCount: number;
  firstVisibleAtUs: number | null;
  sinceFirstTokenUs: number | null;
  firstTokenIndex: number | null;
  relPosition: string | null;
  order: number | null;
  aboveFold: boolean;
  attention: string;
  streamScore: string;
  /** Optional for hand-made rows: absent is stored as 0 (the geo figures as null). */
  trakkrPoints?: number;
  geoWeightedWords?: string | null;
  geoShareOfAnswer?: string | null;
}

/** A citation as stored, with the tracked brand owning its domain. */
export interface CitationRow {
  position: number;
  url: string;
  domain: string;
  title: string | null;
  charStart: number | null;
  charEnd: number | null;
  arrivedAtUs: number;
  brandId: string | null;
}

export interface AnswerAnalysis {
  tokenEnds: number[];
  tokenArrivalsUs: number[];
  mentions: MentionRow[];
  scores: ScoreRow[];
}

/** Re-detects mentions by feeding the stored chunks, with their arrival times, exactly as they streamed. */
export function replayMentions(
  answer: StoredAnswer,
  watchlist: BrandSpec[] | CompiledWatchlist,
): DetectedMention[] {
  const matcher = new IncrementalMatcher(watchlist);
  const found: DetectedMention[] = [];
  let start = 0;
  answer.chunkEnds.forEach((end, i) => {
    found.push(...matcher.push(answer.answerText.slice(start, end), answer.chunkArrivalsUs[i] ?? 0));
    start = end;
  });
  found.push(...matcher.end());
  return found;
}

export function analyzeAnswer(
  answer: StoredAnswer,
  mentions: DetectedMention[],
  brands: { id: string; kind: BrandKind }[],
  settings: { foldTokens: number; halfLifeMs: number },
): AnswerAnalysis {
  const timeline = tokenizeTimeline(answer.answerText, answer.chunkEnds, answer.chunkArrivalsUs);
  const scored = scoreRun({
    brands,
    mentions,
    text: answer.answerText,
    ttftUs: answer.ttftUs,
    tokenEnds: timeline.tokenEnds,
    foldTokens: settings.foldTokens,
    halfLifeMs: settings.halfLifeMs,
  });
  const sentiments = sentimentOfMentions(answer.answerText, scored.mentions);
  return {
    tokenEnds: timeline.tokenEnds,
    tokenArrivalsUs: timeline.tokenArrivalsUs,
    mentions: scored.mentions.map((m, i) => ({
      brandId: m.brandId,
      matched: m.matched,
      charStart: m.charStart,
      charEnd: m.charEnd,
      tokenIndex: m.tokenIndex,
      visibleAtUs: m.visibleAtUs,
      sinceFirstTokenUs: m.sinceFirstTokenUs,
      relPosition: m.relPositionText,
      sentenceIndex: m.sentenceIndex,
      listRank: m.listRank,
      inHeading: m.inHeading,
      inBold: m.inBold,
      snippet: m.snippet,
      sentiment: sentiments[i]!.label,
      sentimentScore: sentiments[i]!.score.toFixed(3),
    })),
    scores: scored.brandScores.map((s) => ({
      brandId: s.brandId,
      mentioned: s.mentioned,
      mentionCount: s.mentionCount,
      firstVisibleAtUs: s.firstVisibleAtUs,
      sinceFirstTokenUs: s.sinceFirstTokenUs,
      firstTokenIndex: s.firstTokenIndex,
      relPosition: s.relPositionText,
      order: s.order,
      aboveFold: s.aboveFold,
      attention: s.attentionText,
      streamScore: s.streamScoreText,
      trakkrPoints: s.trakkrPoints,
      geoWeightedWords: s.geoWeightedWordsText,
      geoShareOfAnswer: s.geoShareOfAnswerText,
    })),
  };
}

/**
 * The tracked brand owning each cited domain, by the rule mentions use (DomainIndex): the domain itself or any
 * subdomain of it (`docs.acme.com` belongs to `acme.com`), the most specific brand domain winning
 * (`cloud.google.com` over `google.com`). The live write and the backfill both assign citations with it.
 */
export function citationOwners(
  domains: readonly string[],
  brands: readonly { id: string; domains: string[] }[],
): (string | null)[] {
  const owners = new DomainIndex(brands);
  return domains.map((d) => (owners.isEmpty ? null : (owners.ownerOf(d.toLowerCase())?.brandId ?? null)));
}

/** Citations as stored, each matched to the tracked brand owning its domain (citationOwners). */
export function citationRows(
  citations: CapturedCitation[],
  brands: readonly { id: string; domains: string[] }[],
): CitationRow[] {
  const owners = citationOwners(
    citations.map((c) => c.domain),
    brands,
  );
  return citations.map((c, position) => ({
    position,
    url: c.url.slice(0, 2000),
    domain: c.domain,
    title: c.title?.slice(0, 500) ?? null,
    charStart: c.charStart,
    charEnd: c.charEnd,
    arrivedAtUs: c.atUs,
    brandId: owners[position] ?? null,
  }));
}
