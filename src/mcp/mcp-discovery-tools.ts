import { type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { type AuthContext } from '../auth/auth-context';
import { brandPageResponseSchema } from '../brands/dto/brand.dto';
import { enginePageResponseSchema } from '../engines/dto/engine.dto';
import { MAX_PAGE_SIZE, pageQuerySchema } from '../infra/http/pagination';
import { idSchema } from '../infra/http/response-schemas';
import { projectPageResponseSchema } from '../projects/dto/project.dto';
import { promptPageResponseSchema } from '../prompts/dto/prompt.dto';
import { type McpServices } from './mcp-services';
import { answer, toolResult } from './mcp-tool-result';
import { READ_ONLY } from './mcp-annotations';
import { listed } from './mcp-summaries';
import { tagCounts, tagListSchema } from './prompt-tags';

const projectPage = pageQuerySchema.extend({ projectId: idSchema.describe('the project (list_projects)') });
const more = (page: { nextCursor: string | null }) =>
  page.nextCursor ? ' More: pass nextCursor as cursor.' : '';

/** Discovery: the ids every other tool takes. Same services, inputs and outputs as the REST list routes. */
export function registerDiscoveryTools(server: McpServer, s: McpServices, auth: AuthContext): void {
  const ws = auth.workspaceId;

  server.registerTool(
    'list_projects',
    {
      title: 'List projects',
      description: "The workspace's projects (GET /v1/projects), newest first, paged.",
      inputSchema: pageQuerySchema,
      outputSchema: projectPageResponseSchema,
      annotations: READ_ONLY,
    },
    (q) =>
      answer(async () => {
        const page = await s.projects.list(ws, q);
        const names = page.data.map((p) => `${p.name} (${p.id})`);
        return toolResult(page, `${page.data.length} projects: ${listed(names, 10)}.${more(page)}`);
      }),
  );

  server.registerTool(
    'list_brands',
    {
      title: 'List brands',
      description:
        "A project's tracked brands (own and competitors) with aliases, exclusions and domains (GET /v1/projects/:projectId/brands).",
      inputSchema: projectPage,
      outputSchema: brandPageResponseSchema,
      annotations: READ_ONLY,
    },
    ({ projectId, ...q }) =>
      answer(async () => {
        const page = await s.brands.list(ws, projectId, q);
        const names = page.data.map((b) => `${b.name} [${b.kind}] (${b.id})`);
        return toolResult(page, `${page.data.length} brands: ${listed(names, 10)}.${more(page)}`);
      }),
  );

  server.registerTool(
    'list_engines',
    {
      title: 'List answer engines',
      description:
        'The answer engines (provider and model) prompts run on (GET /v1/engines). Engines of provider `demo` produce synthetic answers, reported apart.',
      inputSchema: pageQuerySchema,
      outputSchema: enginePageResponseSchema,
      annotations: READ_ONLY,
    },
    (q) =>
      answer(async () => {
        const page = await s.engines.list(ws, q);
        const names = page.data.map(
          (e) => `${e.name} (${e.provider} ${e.model}${e.synthetic ? ', synthetic' : ''}, ${e.id})`,
        );
        return toolResult(page, `${page.data.length} engines: ${listed(names, 10)}.${more(page)}`);
      }),
  );

  server.registerTool(
    'list_prompts',
    {
      title: 'List prompts',
      description:
        "A project's tracked prompts with tags, engines and schedule (GET /v1/projects/:projectId/prompts).",
      inputSchema: projectPage,
      outputSchema: promptPageResponseSchema,
      annotations: READ_ONLY,
    },
    ({ projectId, ...q }) =>
      answer(async () => {
        const page = await s.prompts.list(ws, projectId, q);
        const texts = page.data.map((p) => `"${p.text.slice(0, 60)}" (${p.id})`);
        return toolResult(page, `${page.data.length} prompts: ${listed(texts)}.${more(page)}`);
      }),
  );

  server.registerTool(
    'list_tags',
    {
      title: 'List prompt tags',
      description:
        "The tags of a project's prompts and how many prompts carry each; reports filter by `tags` and break down by `tag`.",
      inputSchema: z.strictObject({ projectId: projectPage.shape.projectId }),
      outputSchema: tagListSchema,
      annotations: READ_ONLY,
    },
    ({ projectId }) =>
      answer(async () => {
        const prompts = [];
        let cursor: string | undefined;
        do {
          const page = await s.prompts.list(ws, projectId, { limit: MAX_PAGE_SIZE, cursor });
          prompts.push(...page.data);
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        const tags = tagCounts(prompts);
        const line = tags.map((t) => `${t.tag} (${t.prompts})`);
        return toolResult({ projectId, tags }, `${tags.length} tags: ${listed(line, 10)}.`);
      }),
  );
}
