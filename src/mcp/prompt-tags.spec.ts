import { tagCounts } from './prompt-tags';

describe('tagCounts', () => {
  it('counts prompts (and active prompts) per tag, most used first, then by name; a repeated tag once', () => {
    expect(
      tagCounts([
        { tags: ['crm', 'buying'], active: true },
        { tags: ['crm', 'crm'], active: false },
        { tags: ['alpha'], active: true },
        { tags: [], active: true },
      ]),
    ).toEqual([
      { tag: 'crm', prompts: 2, activePrompts: 1 },
      { tag: 'alpha', prompts: 1, activePrompts: 1 },
      { tag: 'buying', prompts: 1, activePrompts: 1 },
    ]);
  });

  it('is empty without tags', () => {
    expect(tagCounts([])).toEqual([]);
  });
});
