/**
 * Sentiment of every mention of one answer: each scored on the sentence (or list item, heading, table row)
 * holding it, with the line introducing its list when it sits in one. Used at run end and by the backfill
 * through analyzeAnswer, so both store the same labels.
 */
import { AnswerStructure } from '../../detection/answer-structure';
import { mentionSentiment, type MentionSentiment } from './mention-sentiment';

/** How far up a list's lead-in is looked for, in lines (a longer list reads as its own section). */
const LEAD_IN_LOOKBACK_LINES = 60;

export function sentimentOfMentions(
  text: string,
  mentions: readonly { charStart: number; charEnd: number; brandId?: string }[],
  structure: AnswerStructure = new AnswerStructure(text),
): MentionSentiment[] {
  return mentions.map(({ charStart, charEnd, brandId }) => {
    const sentence = structure.sentences[structure.sentenceIndexAt(charStart)] ?? {
      start: 0,
      end: text.length,
    };
    const start = Math.min(sentence.start, charStart);
    const end = Math.max(sentence.end, charEnd);
    // The brand's other mentions in the same sentence are the brand too, not a rival.
    const sameBrand = mentions
      .filter(
        (m) => brandId !== undefined && m.brandId === brandId && m.charStart >= start && m.charEnd <= end,
      )
      .map((m) => ({ charStart: m.charStart - start, charEnd: m.charEnd - start }));
    return mentionSentiment({
      text: text.slice(start, end),
      charStart: charStart - start,
      charEnd: charEnd - start,
      listLeadIn: listLeadIn(structure, charStart),
      sameBrand,
    });
  });
}

/** The last non-blank line above the list holding `offset` that is not itself a list line; null outside lists. */
export function listLeadIn(structure: AnswerStructure, offset: number): string | null {
  if (structure.listRankAt(offset) === null) return null;
  const line = structure.lineIndexAt(offset);
  for (let k = line - 1; k >= Math.max(0, line - LEAD_IN_LOOKBACK_LINES); k--) {
    const start = structure.lineStarts[k] as number;
    const end = (structure.lineStarts[k + 1] ?? structure.text.length + 1) - 1;
    const lineText = structure.text.slice(start, end).trim();
    if (lineText === '' || structure.listRankAt(start) !== null) continue;
    return lineText;
  }
  return null;
}
