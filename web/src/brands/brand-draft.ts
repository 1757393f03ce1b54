// The brand form's state: exactly what the person typed (never trimmed or dropped here: the API validates,
// with its own zod schema, and answers 400 with the issues), and the API body built from it.
import type {
  BrandsControllerCreateData,
  BrandsControllerListResponse,
} from '../../../clients/typescript/types.gen';

export type Brand = BrandsControllerListResponse['data'][number];
export type BrandBody = BrandsControllerCreateData['body'];
export type AliasBody = NonNullable<BrandBody['aliases']>[number];

export const ALIAS_RULES = ['caseSensitive', 'foldDiacritics', 'optionalPunctuation', 'inCompounds'] as const;
export type AliasRule = (typeof ALIAS_RULES)[number];

/** A rule left at "default" is left out of the body, so it follows the detection defaults. */
export type RuleChoice = 'default' | 'on' | 'off';

export interface AliasDraft {
  key: string;
  text: string;
  rules: Record<AliasRule, RuleChoice>;
}

export interface ItemDraft {
  key: string;
  value: string;
}

export interface BrandDraft {
  name: string;
  kind: 'own' | 'competitor';
  ambiguous: boolean;
  aliases: AliasDraft[];
  exclusions: ItemDraft[];
  domains: ItemDraft[];
}

let seq = 0;
/** A React key for a row the person added (rows move when one above is removed). */
export function rowKey(): string {
  seq += 1;
  return `row-${seq}`;
}

const choice = (v: boolean | undefined): RuleChoice => (v === undefined ? 'default' : v ? 'on' : 'off');

export function aliasDraft(alias?: AliasBody): AliasDraft {
  return {
    key: rowKey(),
    text: alias?.text ?? '',
    rules: {
      caseSensitive: choice(alias?.caseSensitive),
      foldDiacritics: choice(alias?.foldDiacritics),
      optionalPunctuation: choice(alias?.optionalPunctuation),
      inCompounds: choice(alias?.inCompounds),
    },
  };
}

export function itemDraft(value = ''): ItemDraft {
  return { key: rowKey(), value };
}

export function emptyDraft(kind: 'own' | 'competitor' = 'competitor'): BrandDraft {
  return { name: '', kind, ambiguous: false, aliases: [], exclusions: [], domains: [] };
}

export function draftOf(brand: Brand): BrandDraft {
  return {
    name: brand.name,
    kind: brand.kind,
    ambiguous: brand.ambiguous,
    aliases: brand.aliases.map(aliasDraft),
    exclusions: brand.exclusions.map((e) => itemDraft(e)),
    domains: brand.domains.map((d) => itemDraft(d)),
  };
}

export function aliasBody(a: AliasDraft): AliasBody {
  const body: AliasBody = { text: a.text };
  for (const rule of ALIAS_RULES) {
    const c = a.rules[rule];
    if (c !== 'default') body[rule] = c === 'on';
  }
  return body;
}

/** The create (and full update) body: every field as typed. */
export function bodyOf(d: BrandDraft): BrandBody {
  return {
    name: d.name,
    kind: d.kind,
    ambiguous: d.ambiguous,
    aliases: d.aliases.map(aliasBody),
    exclusions: d.exclusions.map((e) => e.value),
    domains: d.domains.map((e) => e.value),
  };
}

/** A saved brand in the create shape (what the explain endpoint takes as a draft). */
export function bodyOfBrand(b: Brand): BrandBody {
  return {
    name: b.name,
    kind: b.kind,
    ambiguous: b.ambiguous,
    aliases: b.aliases,
    exclusions: b.exclusions,
    domains: b.domains,
  };
}

/** Which error keys the form shows a place for (see field-errors.ts). */
export function isFormKey(key: string): boolean {
  if (['name', 'kind', 'ambiguous', 'aliases', 'exclusions', 'domains'].includes(key)) return true;
  const m = /^(aliases|exclusions|domains)\.\d+(?:\.(\w+))?$/.exec(key);
  if (!m) return false;
  if (m[2] === undefined) return true;
  return m[1] === 'aliases' && (m[2] === 'text' || (ALIAS_RULES as readonly string[]).includes(m[2]));
}
