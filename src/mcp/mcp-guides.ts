import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';

export const METRICS_URI = 'streamrank://docs/metrics.md';

/**
 * docs/metrics.md from the source tree (src/mcp) or next to the build (dist/src/mcp); null when the
 * deployment does not ship it (the resource is then left out, the tools are unaffected).
 */
export function readMetricsDoc(): string | null {
  const candidates = [
    resolve(__dirname, '../../docs/metrics.md'),
    resolve(__dirname, '../../../docs/metrics.md'),
  ];
  const found = candidates.find((p) => existsSync(p));
  return found ? readFileSync(found, 'utf8') : null;
}

const projectArg = z.string().describe('the project id (list_projects)');

const user = (text: string) => ({
  messages: [{ role: 'user' as const, content: { type: 'text' as const, text } }],
});

const RULES =
  'Quote every rate with its n and 95% interval as the tools give them, say when n is small, and keep synthetic ' +
  '(demo engine) figures apart from measured ones. Definitions are in the resource ' +
  METRICS_URI +
  '.';

/** The metric definitions as a resource, and two prompt templates that chain the read tools. */
export function registerGuides(server: McpServer, metricsDoc: string | null): void {
  if (metricsDoc !== null) {
    server.registerResource(
      'metrics',
      METRICS_URI,
      {
        title: 'streamrank metric definitions',
        description: 'How every figure is computed: mentions, fold, arrival times, scores, intervals.',
        mimeType: 'text/markdown',
      },
      (uri) => ({ contents: [{ uri: uri.href, mimeType: 'text/markdown', text: metricsDoc }] }),
    );
  }

  server.registerPrompt(
    'weekly_visibility_review',
    {
      title: 'Weekly visibility review',
      description: "Review a project's AI visibility over the last 7 days against the 7 before.",
      argsSchema: z.object({ projectId: projectArg }),
    },
    ({ projectId }) =>
      user(
        `Write a weekly AI-visibility review of project ${projectId}. Use the streamrank tools: ` +
          'report_mentions for the last 7 days (it compares with the previous 7), report_trend with bucket=day, ' +
          'report_head_to_head, report_gaps and report_citations for the same range. Lead with what changed for ' +
          'the own brand (mention rate, above-the-fold rate, time to first mention), then competitors that moved, ' +
          'the largest gaps (prompt and engine) and the domains to win. For one surprising figure, open its ' +
          `runsQuery with list_runs and one run with get_run_evidence, and quote the answer. ${RULES}`,
      ),
  );

  server.registerPrompt(
    'competitor_deep_dive',
    {
      title: 'Competitor deep dive',
      description: 'Where and how one competitor beats the own brand in AI answers.',
      argsSchema: z.object({
        projectId: projectArg,
        competitor: z.string().describe('the competitor brand name or id (list_brands)'),
      }),
    },
    ({ projectId, competitor }) =>
      user(
        `Analyse competitor "${competitor}" in project ${projectId} over the last 30 days. Use the streamrank ` +
          'tools: list_brands to find its id and the own brand, report_head_to_head with groupBy=engine and ' +
          'groupBy=prompt (who arrives first, and the median lead), report_mentions with groupBy=engine, ' +
          'report_gaps (prompts where it is named and the own brand is not), report_citations (the domains ' +
          'cited in those answers) and report_arrival. Open two gap runs with get_run_evidence and quote how the ' +
          `answers describe each brand. End with three concrete actions. ${RULES}`,
      ),
  );
}
