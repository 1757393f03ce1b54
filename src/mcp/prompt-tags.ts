import { z } from 'zod';
import { idSchema } from '../infra/http/response-schemas';
import { promptResponseSchema } from '../prompts/dto/prompt.dto';

/** The tags of a project's prompts, with how many prompts (and active prompts) carry each. */
export const tagListSchema = z.strictObject({
  projectId: idSchema,
  tags: z.array(
    z.strictObject({
      tag: promptResponseSchema.shape.tags.element,
      prompts: z.number().int(),
      activePrompts: z.number().int(),
    }),
  ),
});

export type TagList = z.infer<typeof tagListSchema>;

/** Pure: tag counts over prompts, most used first, then by name. */
export function tagCounts(prompts: { tags: string[]; active: boolean }[]): TagList['tags'] {
  const counts = new Map<string, { prompts: number; activePrompts: number }>();
  for (const p of prompts) {
    for (const tag of new Set(p.tags)) {
      const c = counts.get(tag) ?? { prompts: 0, activePrompts: 0 };
      c.prompts += 1;
      if (p.active) c.activePrompts += 1;
      counts.set(tag, c);
    }
  }
  return [...counts]
    .map(([tag, c]) => ({ tag, ...c }))
    .sort((a, b) => b.prompts - a.prompts || (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
}
