import { AnswerStructure } from '../../detection/answer-structure';
import { listLeadIn, sentimentOfMentions } from './answer-sentiment';

const span = (text: string, name: string, from = 0) => {
  const charStart = text.indexOf(name, from);
  return { charStart, charEnd: charStart + name.length };
};

describe('sentimentOfMentions', () => {
  it('scores each mention on its own sentence', () => {
    const text = 'Acme is excellent for small teams. Beta, however, is clunky and overpriced.';
    const [acme, beta] = sentimentOfMentions(text, [span(text, 'Acme'), span(text, 'Beta')]);
    expect(acme!.label).toBe('positive');
    expect(beta!.label).toBe('negative');
  });

  it("counts the brand's other mentions in the sentence as the brand, not as a rival", () => {
    const text = 'The best CRM tools are **Acme** and GBX, with Acme a clear leader. Hooli trails.';
    const second = text.indexOf('Acme', text.indexOf('with'));
    const mentions = [
      { ...span(text, 'Acme'), brandId: 'a' },
      { ...span(text, 'GBX'), brandId: 'g' },
      { charStart: second, charEnd: second + 4, brandId: 'a' },
      { ...span(text, 'Hooli'), brandId: 'h' },
    ];
    expect(sentimentOfMentions(text, mentions).map((s) => s.label)).toEqual([
      'positive',
      'positive',
      'positive',
      'negative',
    ]);
    // Without the brand ids the second "Acme" reads the first as someone else.
    expect(sentimentOfMentions(text, [{ charStart: second, charEnd: second + 4 }])[0]!.label).toBe('neutral');
  });

  it("reads list items through their list's lead-in", () => {
    const text = [
      '## Options',
      '',
      'Cons:',
      '',
      '- Acme',
      '- **Beta** – slow',
      '',
      'Our top picks:',
      '1. Gamma',
    ].join('\n');
    const structure = new AnswerStructure(text);
    expect(listLeadIn(structure, span(text, 'Acme').charStart)).toBe('Cons:');
    expect(listLeadIn(structure, span(text, 'Gamma').charStart)).toBe('Our top picks:');
    expect(listLeadIn(structure, span(text, 'Options').charStart)).toBeNull();
    const labels = sentimentOfMentions(text, [
      span(text, 'Acme'),
      span(text, 'Beta'),
      span(text, 'Gamma'),
    ]).map((s) => s.label);
    expect(labels).toEqual(['negative', 'negative', 'positive']);
  });
});
