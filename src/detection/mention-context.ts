import { AnswerStructure } from './answer-structure';

/** Where a mention sits, as the reader of the rendered answer sees it. */
export interface MentionContext {
  /** 0-based sentence index (every line break also ends a sentence). */
  sentenceIndex: number;
  /** Rank of the list item holding the mention as rendered, or null outside lists. */
  listRank: number | null;
  inHeading: boolean;
  inBold: boolean;
  /** Up to 160 characters around the mention, whitespace collapsed. */
  snippet: string;
}

export function describeMentionContext(text: string, charStart: number, charEnd: number): MentionContext {
  return contextIn(structureOf(text), charStart, charEnd);
}

/** Same as describeMentionContext with the answer's structure already computed (one per answer). */
export function contextIn(structure: AnswerStructure, charStart: number, charEnd: number): MentionContext {
  return {
    sentenceIndex: structure.sentenceIndexAt(charStart),
    listRank: structure.listRankAt(charStart),
    inHeading: structure.inHeading(charStart),
    inBold: structure.inBold(charStart, charEnd),
    snippet: structure.snippet(charStart, charEnd),
  };
}

// Callers usually describe every mention of one answer in a row; keeping the last structure makes that one
// parse per answer without asking them to manage an AnswerStructure.
let lastStructure: AnswerStructure | null = null;

function structureOf(text: string): AnswerStructure {
  if (lastStructure === null || lastStructure.text !== text) lastStructure = new AnswerStructure(text);
  return lastStructure;
}
