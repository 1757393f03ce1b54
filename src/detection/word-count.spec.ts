import { seededRandom } from '../../test/support/random';
import { countWords, segmentWords } from './word-count';

describe('countWords', () => {
  it('counts like Intl.Segmenter on random ASCII text (the scan path)', () => {
    const random = seededRandom(20261124);
    // Every printable ASCII character, whitespace, and letters and digits often enough to form joins.
    const alphabet = `${' \t\n\r'.repeat(2)}${'aZ09'.repeat(6)}.',;:-!?()"*#@/$%&+=<>[]{}\\^\`|~`;
    for (let k = 0; k < 20_000; k++) {
      let text = '';
      const length = 1 + Math.floor(random() * 24);
      for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
      expect([text, countWords(text)]).toEqual([text, segmentWords(text)]);
    }
  });

  it.each([
    ['Acme is a solid choice because its pipeline views are clear.', 11],
    ["Don't pick e.g. Globex: it's 3.5x the price (1,000.50 USD; 2;3).", 11],
    ['See https://acme.example.com/docs for details.', 6],
    ['1. **Acme**: best overall\n2. Globex - best for reporting', 9],
    ['snake_case and foo_1 join', 4],
    ['Café au lait, naïve résumé', 5],
    ['東京のおすすめ CRM は Acme です', segmentWords('東京のおすすめ CRM は Acme です')],
    ['', 0],
  ])('%j has %i words', (text, words) => {
    expect(countWords(text)).toBe(words);
    expect(segmentWords(text)).toBe(words);
  });
});
