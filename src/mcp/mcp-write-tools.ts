import { type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { alertRuleResponseSchema, createAlertRuleSchema } from '../alerts/dto/alert-rule.dto';
import { brandWriteResponseSchema, updateBrandSchema } from '../brands/dto/brand.dto';
import { idSchema } from '../infra/http/response-schemas';
import { createPromptSchema, promptResponseSchema } from '../prompts/dto/prompt.dto';
import { runNowResponseSchema, runNowSchema } from '../runs/api/dto/run.dto';
import { CREATES } from './mcp-annotations';
import { type McpServices } from './mcp-services';
import { answer, toolResult } from './mcp-tool-result';

// Registered for admin keys only, so a read key never sees them listed (and a call is "tool not found").
// Each calls the service its REST route calls, with the same body schema, so the same checks, tenancy and
// side effects apply: run-now's Idempotency-Key claim, the backfill an alias change announces.

const projectId = idSchema.describe('the project (list_projects)');

export function registerWriteTools(server: McpServer, s: McpServices, workspaceId: string): void {
  const ws = workspaceId;

  server.registerTool(
    'run_prompt_now',
    {
      title: 'Run a prompt now',
      description:
        "Queues runs of a prompt on its engines (or the given engineIds), `samples` each (POST /v1/prompts/:id/run). Idempotent: a repeated call with the same idempotencyKey returns the first call's runs (replayed: true) and queues nothing new. Results land within seconds to minutes; read them with get_run_evidence.",
      inputSchema: runNowSchema.extend({
        promptId: idSchema.describe('the prompt (list_prompts)'),
        idempotencyKey: z
          .string()
          .describe('any 1-200 visible ASCII characters, new for each distinct run request (e.g. a UUID)'),
      }),
      outputSchema: runNowResponseSchema,
      annotations: { ...CREATES, idempotentHint: true },
    },
    ({ promptId, idempotencyKey, ...input }) =>
      answer(async () => {
        const r = await s.runNow.runNow(ws, promptId, input, idempotencyKey);
        const line = r.replayed
          ? `Already queued by an earlier call with this idempotencyKey: ${r.runIds.length} runs.`
          : `Queued ${r.runIds.length} runs.`;
        return toolResult(r, line);
      }),
  );

  server.registerTool(
    'create_prompt',
    {
      title: 'Create a prompt',
      description:
        'Adds a tracked prompt to a project: its text, engines, cron schedule and timezone, tags (POST /v1/projects/:projectId/prompts).',
      inputSchema: createPromptSchema(s.config.MAX_SAMPLES_PER_SLOT).extend({ projectId }),
      outputSchema: promptResponseSchema,
      annotations: CREATES,
    },
    ({ projectId: project, ...input }) =>
      answer(async () => {
        const p = await s.prompts.create(ws, project, input);
        return toolResult(
          p,
          `Created prompt ${p.id} on ${p.engineIds.length} engines, schedule "${p.cron}".`,
        );
      }),
  );

  server.registerTool(
    'update_brand_aliases',
    {
      title: "Replace a brand's aliases",
      description:
        "Replaces a brand's aliases (PATCH /v1/brands/:id with `aliases`). Like that route, it queues a backfill that re-detects the project's past answers with the new aliases, so old and new runs stay comparable.",
      inputSchema: updateBrandSchema
        .pick({ aliases: true })
        .required()
        .extend({ brandId: idSchema.describe('the brand (list_brands)') }),
      outputSchema: brandWriteResponseSchema,
      annotations: { ...CREATES, idempotentHint: true, destructiveHint: true },
    },
    ({ brandId, aliases }) =>
      answer(async () => {
        const b = await s.brands.update(ws, brandId, { aliases });
        return toolResult(
          b,
          `${b.name} now has ${b.aliases.length} aliases; a backfill re-detects the project's past answers.`,
        );
      }),
  );

  server.registerTool(
    'create_alert_rule',
    {
      title: 'Create an alert rule',
      description:
        'Adds an alert rule to a project (POST /v1/projects/:projectId/alert-rules): mention_rate_drop, competitor_overtake, above_fold_change or first_own_domain_citation, with its params.',
      inputSchema: z.strictObject({ projectId, rule: createAlertRuleSchema }),
      outputSchema: alertRuleResponseSchema,
      annotations: CREATES,
    },
    ({ projectId: project, rule }) =>
      answer(async () => {
        const r = await s.alertRules.create(ws, project, rule);
        return toolResult(r, `Created alert rule ${r.id} (${r.kind}) "${r.name}".`);
      }),
  );
}
