import { readFileSync } from 'node:fs';
import path from 'node:path';
import { classificationFigures } from './classification-metrics';
import { brandSentiment, mentionSentiment, type SentimentLabel } from './mention-sentiment';

const label = (text: string, brand: string, leadIn?: string): SentimentLabel =>
  brandSentiment(text, brand, leadIn).label;

describe('mentionSentiment', () => {
  it('labels recommendations, caveats and plain facts', () => {
    expect(
      label('For small teams I would recommend **Acme CRM**: it is reliable and intuitive.', 'Acme'),
    ).toBe('positive');
    expect(label('Acme is clunky, slow and overpriced.', 'Acme')).toBe('negative');
    expect(label('Acme was founded in 2006 and is based in Boston.', 'Acme')).toBe('neutral');
    expect(label('I would avoid Acme if you need offline access.', 'Acme')).toBe('negative');
  });

  it('speaks of the brand in question when one brand beats another', () => {
    const text = 'Bitwarden beats LastPass on security and transparency.';
    expect(label(text, 'Bitwarden')).toBe('positive');
    expect(label(text, 'LastPass')).toBe('negative');
    const cheaper = 'Wise is significantly cheaper than PayPal for sending money abroad.';
    expect(label(cheaper, 'Wise')).toBe('positive');
    expect(label(cheaper, 'PayPal')).toBe('negative');
    const pricier = 'ExpressVPN is more expensive than Surfshark.';
    expect(label(pricier, 'ExpressVPN')).toBe('negative');
    expect(label(pricier, 'Surfshark')).toBe('positive');
    const lags = 'Zoho lags behind HubSpot in usability.';
    expect(label(lags, 'Zoho')).toBe('negative');
    expect(label(lags, 'HubSpot')).toBe('positive');
    const aside = 'Compared with Jira, Linear is much faster and far less cluttered.';
    expect(label(aside, 'Linear')).toBe('positive');
    expect(label(aside, 'Jira')).toBe('negative');
    const choice = "I'd choose Fastmail over Gmail if privacy matters.";
    expect(label(choice, 'Fastmail')).toBe('positive');
    expect(label(choice, 'Gmail')).toBe('negative');
  });

  it('follows the clause after a contrast and the main clause over a concession', () => {
    expect(label('Acme is powerful, but it is expensive and complex to maintain.', 'Acme')).toBe('negative');
    expect(label('Acme has a learning curve, but it is the best value for most people.', 'Acme')).toBe(
      'positive',
    );
    expect(label('Although Acme has a learning curve, it is the best value for most people.', 'Acme')).toBe(
      'positive',
    );
    expect(label('Acme is pleasant to use; however, its support has become hard to reach.', 'Acme')).toBe(
      'negative',
    );
  });

  it('turns negated words around', () => {
    expect(label("Acme isn't the best choice for international transfers.", 'Acme')).toBe('negative');
    expect(label("Acme isn't bad at all; its caching is genuinely good.", 'Acme')).toBe('positive');
    expect(label("You can't go wrong with Acme.", 'Acme')).toBe('positive');
    expect(label("I wouldn't recommend Acme.", 'Acme')).toBe('negative');
  });

  it("reads a bare list item through its list's lead-in", () => {
    expect(label('- Acme', 'Acme', 'Tools I would avoid for a small nonprofit:')).toBe('negative');
    expect(label('- Acme', 'Acme', 'Our top picks:')).toBe('positive');
    expect(label('- Acme', 'Acme', 'Tools covered in this guide:')).toBe('neutral');
    expect(label('1. **Acme** – lowest fees for most currency pairs', 'Acme')).toBe('positive');
    expect(label('| Acme | Expensive for what you get; no free tier | From $5/month |', 'Acme')).toBe(
      'negative',
    );
  });

  it('gives a score in [-1, 1] whose sign is the label, the same every time', () => {
    const input = { text: 'Acme is excellent, Beta is terrible.', charStart: 0, charEnd: 4 };
    const first = mentionSentiment(input);
    expect(first).toEqual(mentionSentiment(input));
    expect(first.label).toBe('positive');
    expect(first.score).toBeGreaterThan(0);
    expect(first.score).toBeLessThanOrEqual(1);
    const beta = mentionSentiment({ ...input, charStart: 19, charEnd: 23 });
    expect(beta.label).toBe('negative');
    expect(beta.score).toBeLessThan(0);
    expect(mentionSentiment({ text: 'Acme is a CRM.', charStart: 0, charEnd: 4 })).toEqual({
      label: 'neutral',
      score: 0,
    });
  });

  it('is neutral for a text without the brand', () => {
    expect(brandSentiment('Beta is terrible.', 'Acme')).toEqual({ label: 'neutral', score: 0 });
  });
});

describe('the labelled fixture', () => {
  interface Item {
    split: string;
    brand: string;
    label: SentimentLabel;
    text: string;
    context?: string;
  }
  const items = readFileSync(
    path.join(__dirname, '..', '..', '..', 'test', 'fixtures', 'sentiment', 'mentions.jsonl'),
    'utf8',
  )
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Item);
  const macroF1 = (split: string): number =>
    classificationFigures(
      items
        .filter((item) => item.split === split)
        .map((item) => ({ gold: item.label, predicted: label(item.text, item.brand, item.context) })),
    ).macroF1;

  it('has at least 300 items with every label and split', () => {
    expect(items.length).toBeGreaterThanOrEqual(300);
    for (const split of ['dev', 'heldout', 'fresh1', 'fresh2']) {
      for (const gold of ['positive', 'neutral', 'negative']) {
        expect(items.some((item) => item.split === split && item.label === gold)).toBe(true);
      }
    }
    for (const item of items) expect(item.text.toLowerCase()).toContain(item.brand.toLowerCase());
  });

  // Floors a little under the measured figures (docs/benchmarks.md), so a change that loses accuracy fails.
  it('keeps its macro-F1 on the held-out half at the target and on the untuned fresh2 set', () => {
    expect(macroF1('heldout')).toBeGreaterThanOrEqual(0.85);
    expect(macroF1('fresh2')).toBeGreaterThanOrEqual(0.7);
  });
});
