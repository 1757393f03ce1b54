import { AnswerStructure } from './answer-structure';
import { describeMentionContext } from './mention-context';

function contextOf(text: string, needle: string, occurrence = 0) {
  let at = -1;
  for (let i = 0; i <= occurrence; i++) at = text.indexOf(needle, at + 1);
  if (at < 0) throw new Error(`fixture does not contain ${needle}`);
  return describeMentionContext(text, at, at + needle.length);
}

const ANSWER = [
  '# Best CRM tools in 2025',
  '',
  'Here are my picks. Each is good, e.g. for small teams.',
  '',
  '1. **HubSpot** – free tier.',
  '2. Zoho CRM, cheap.',
  '   Works well with Acme.',
  '3. Pipedrive',
  '   - Beta integrates',
  '   - Gamma too',
  '',
  'Also consider:',
  '',
  '- Delta',
  '* Epsilon starts a new list',
  '* Zeta',
  '',
  'Closing words about Omega.',
  '',
  'Summary',
  '=======',
].join('\n');

describe('describeMentionContext', () => {
  it.each([
    ['HubSpot', 0, { listRank: 1, inHeading: false, inBold: true, sentenceIndex: 3 }],
    ['Zoho CRM', 0, { listRank: 2, inHeading: false, inBold: false, sentenceIndex: 4 }],
    ['Acme', 0, { listRank: 2, inHeading: false, inBold: false, sentenceIndex: 5 }],
    ['Pipedrive', 0, { listRank: 3, inHeading: false, inBold: false, sentenceIndex: 6 }],
    ['Beta', 0, { listRank: 1, inHeading: false, inBold: false, sentenceIndex: 7 }],
    ['Gamma', 0, { listRank: 2, inHeading: false, inBold: false, sentenceIndex: 8 }],
    ['consider', 0, { listRank: null, inHeading: false, inBold: false, sentenceIndex: 9 }],
    ['Delta', 0, { listRank: 1, inHeading: false, inBold: false, sentenceIndex: 10 }],
    ['Epsilon', 0, { listRank: 1, inHeading: false, inBold: false, sentenceIndex: 11 }],
    ['Zeta', 0, { listRank: 2, inHeading: false, inBold: false, sentenceIndex: 12 }],
    ['Omega', 0, { listRank: null, inHeading: false, inBold: false, sentenceIndex: 13 }],
    ['CRM', 0, { listRank: null, inHeading: true, inBold: false, sentenceIndex: 0 }],
    ['Summary', 0, { listRank: null, inHeading: true, inBold: false, sentenceIndex: 14 }],
    ['small', 0, { listRank: null, inHeading: false, inBold: false, sentenceIndex: 2 }],
  ])('%s', (needle, occurrence, expected) => {
    expect(contextOf(ANSWER, needle, occurrence)).toMatchObject(expected);
  });

  it('ranks an ordered list the way a renderer numbers it', () => {
    const text = '1. Acme\n1. Beta\n1. Gamma\n\n3) Delta\n4) Epsilon';
    expect(contextOf(text, 'Gamma').listRank).toBe(3);
    expect(contextOf(text, 'Epsilon').listRank).toBe(4);
  });

  it('keeps a loose list (blank lines between items) as one list', () => {
    const text = '- Acme\n\n- Beta\n\n- Gamma\n\nAfter the list, Omega.';
    expect(contextOf(text, 'Gamma').listRank).toBe(3);
    expect(contextOf(text, 'Omega').listRank).toBeNull();
  });

  it('lazy continuation lines stay in their item', () => {
    const text = '1. Acme is\nstill item one with Beta\n2. Gamma';
    expect(contextOf(text, 'Beta').listRank).toBe(1);
  });

  it('does not take bold markers or rules for list items', () => {
    const text = '**Acme** leads.\n\n***\n\n__Beta__ and snake__case__name Gamma';
    expect(contextOf(text, 'Acme')).toMatchObject({ listRank: null, inBold: true });
    expect(contextOf(text, 'Beta').inBold).toBe(true);
    expect(contextOf(text, 'case').inBold).toBe(false);
  });

  it('counts sentences in non-Latin text', () => {
    const text = '我推荐小米。华为也不错！Sony?';
    expect(contextOf(text, '华为').sentenceIndex).toBe(1);
    expect(contextOf(text, 'Sony').sentenceIndex).toBe(2);
  });

  it('handles CRLF line endings', () => {
    const text = '# Title\r\n\r\n1. Acme\r\n2. Beta\r\n';
    expect(contextOf(text, 'Beta')).toMatchObject({ listRank: 2, inHeading: false });
    expect(contextOf(text, 'Title').inHeading).toBe(true);
  });

  it('builds a short snippet around the mention', () => {
    const long = `${'word '.repeat(100)}Acme is the pick ${'tail '.repeat(100)}`;
    const { snippet } = contextOf(long, 'Acme');
    expect(snippet.length).toBeLessThanOrEqual(160);
    expect(snippet).toContain('Acme is the pick');
    expect(snippet.startsWith('…word')).toBe(true);
    expect(snippet.endsWith('tail…')).toBe(true);
    expect(contextOf('Line one\n\nAcme  rocks', 'Acme').snippet).toBe('Line one Acme rocks');
  });

  it('never cuts a surrogate pair in a snippet', () => {
    const text = `${'😀'.repeat(120)}Acme${'😀'.repeat(120)}`;
    const { snippet } = contextOf(text, 'Acme');
    expect(snippet).toContain('Acme');
    expect(snippet).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });
});

describe('AnswerStructure', () => {
  it('counts words per sentence, CJK included', () => {
    const structure = new AnswerStructure('Acme is great. Beta is not!\n我推荐小米。');
    expect(structure.sentences).toHaveLength(3);
    expect(structure.sentenceWordCounts().slice(0, 2)).toEqual([3, 3]);
    expect(structure.sentenceWordCounts()[2]).toBeGreaterThanOrEqual(2);
  });
});
