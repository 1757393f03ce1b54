// Brands for the detection specs: aliases with every folding option, exclusions, domains, non-Latin names.
import { type BrandSpec } from '../../src/detection/brand-watchlist';

export const alias = (text: string, caseSensitive = false, foldDiacritics = false) => ({
  text,
  caseSensitive,
  foldDiacritics,
});

export const brand = (id: string, name: string, extra: Partial<BrandSpec> = {}): BrandSpec => ({
  id,
  name,
  aliases: [],
  exclusions: [],
  domains: [],
  ...extra,
});

export const BRANDS: BrandSpec[] = [
  brand('acme', 'Acme', { aliases: [alias('Acme Cloud')], domains: ['https://www.acme.com/'] }),
  brand('apple', 'Apple', { aliases: [alias('Apple', true)], exclusions: ['apple pie', 'Big Apple'] }),
  brand('monday', 'Monday.com', { domains: ['monday.com'] }),
  brand('c3', 'C3.ai'),
  brand('hubspot', 'HubSpot', { domains: ['hubspot.com'] }),
  brand('nestle', 'Nestlé', { aliases: [alias('Nestle', false, true)] }),
  brand('xiaomi', '小米', { aliases: [alias('Xiaomi')] }),
  brand('yandex', 'Яндекс'),
  brand('mcd', "McDonald's"),
  brand('sony', 'Sony', { aliases: [alias('ソニー')] }),
  brand('zoho', 'Zoho', { aliases: [alias('Zoho CRM')] }),
];
