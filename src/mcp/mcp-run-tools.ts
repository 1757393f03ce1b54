import { type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { type AuthContext } from '../auth/auth-context';
import { idSchema } from '../infra/http/response-schemas';
import { runListQuerySchema, runPageResponseSchema } from '../runs/api/dto/run.dto';
import { READ_ONLY } from './mcp-annotations';
import { type McpServices } from './mcp-services';
import { listed } from './mcp-summaries';
import { answer, toolResult } from './mcp-tool-result';
import { evidenceSummary, runEvidence, runEvidenceSchema } from './run-evidence';

/** The runs list (the same filters as GET /v1/runs, and a report figure's `runsQuery`) and one run's evidence. */
export function registerRunTools(server: McpServer, s: McpServices, auth: AuthContext): void {
  const ws = auth.workspaceId;

  server.registerTool(
    'list_runs',
    {
      title: 'List runs',
      description:
        "Runs, newest first, with the filters of GET /v1/runs. A report figure's `runsQuery` object can be passed as is to list the runs behind it.",
      inputSchema: runListQuerySchema,
      outputSchema: runPageResponseSchema,
      annotations: READ_ONLY,
    },
    (q) =>
      answer(async () => {
        const page = await s.runs.list(ws, q);
        const byStatus = new Map<string, number>();
        for (const r of page.data) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
        const synthetic = page.data.filter((r) => r.synthetic).length;
        const line =
          `${page.data.length} runs (${listed([...byStatus].map(([k, n]) => `${n} ${k}`))})` +
          (synthetic > 0 ? `, ${synthetic} synthetic (demo engine)` : '') +
          (page.nextCursor ? '. More: pass nextCursor as cursor.' : '.');
        return toolResult(page, line);
      }),
  );

  server.registerTool(
    'get_run_evidence',
    {
      title: "One run's evidence",
      description:
        'What one run asked and answered: the answer text with every mention (brand, matched text, character span, arrival), the citations, per-brand scores and a compact timeline (first token, first mention of each brand, citations, end).',
      inputSchema: z.strictObject({ runId: idSchema.describe('a run id (list_runs)') }),
      outputSchema: runEvidenceSchema,
      annotations: READ_ONLY,
    },
    ({ runId }) =>
      answer(async () => {
        const evidence = runEvidence(await s.runs.detail(ws, runId));
        return toolResult(evidence, evidenceSummary(evidence));
      }),
  );
}
