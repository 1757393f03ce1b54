import { type McpServer, type ToolCallback } from '@modelcontextprotocol/server';
import { type z } from 'zod';
import { type AuthContext } from '../auth/auth-context';
import {
  arrivalReportResponseSchema,
  citationReportResponseSchema,
  gapDomainsReportResponseSchema,
  gapReportResponseSchema,
  headToHeadReportResponseSchema,
  mentionReportResponseSchema,
  trendReportResponseSchema,
} from '../reports/dto/report.dto';
import { groupedQuery, reportQuery, trendQuery } from '../reports/reports.controller';
import { READ_ONLY } from './mcp-annotations';
import { type McpServices } from './mcp-services';
import {
  arrivalSummary,
  citationsSummary,
  gapDomainsSummary,
  gapsSummary,
  headToHeadSummary,
  mentionsSummary,
  trendSummary,
} from './mcp-summaries';
import { answer, toolResult } from './mcp-tool-result';

// The report tools take exactly the query of the matching GET /v1/reports/* route (the same zod schema:
// lists as arrays or comma-separated strings) and answer its JSON body. Every rate carries its n and 95%
// Wilson interval; runs of demo engines are in the `synthetic` section, never mixed into `measured`.

const FILTERS =
  ' Filters: from/to (ISO 8601; default the last 30 days), brandIds, engineIds, promptIds, tags, promptRevision.';
const GROUPS =
  ' groupBy: one or two of engine, prompt, tag, brand, day, week (not day with week) adds per-group figures.';
const SECTIONS = ' `measured` holds real engines; `synthetic` the demo engine, reported apart.';

export function registerReportTools(server: McpServer, s: McpServices, auth: AuthContext): void {
  const ws = auth.workspaceId;
  const report = <I extends z.ZodType, O extends z.ZodType>(
    name: string,
    title: string,
    description: string,
    input: I,
    output: O,
    run: (q: z.output<I>) => Promise<z.output<O>>,
    summary: (r: z.output<O>) => string,
  ) =>
    server.registerTool(
      name,
      { title, description, inputSchema: input, outputSchema: output, annotations: READ_ONLY },
      // The SDK types the callback by a conditional type TypeScript cannot resolve for a generic schema;
      // at each call below it is exactly (z.output<I>) => Promise<CallToolResult>.
      ((q: z.output<I>) =>
        answer(async () => {
          const r = await run(q);
          return toolResult(r as object, summary(r));
        })) as ToolCallback<I>,
    );

  report(
    'report_mentions',
    'Mentions report',
    'Per brand: mention rate, above-the-fold rate, time to first mention, order, share of voice, stream score, and the change against the previous period (GET /v1/reports/mentions).' +
      FILTERS +
      GROUPS +
      SECTIONS,
    groupedQuery,
    mentionReportResponseSchema,
    (q) => s.grouped.mentions(ws, q),
    mentionsSummary,
  );
  report(
    'report_head_to_head',
    'Head-to-head report',
    'Per pair of brands: runs naming both, only one, which arrived first (rate with interval) and the median lead (GET /v1/reports/head-to-head).' +
      FILTERS +
      GROUPS +
      SECTIONS,
    groupedQuery,
    headToHeadReportResponseSchema,
    (q) => s.grouped.headToHead(ws, q),
    headToHeadSummary,
  );
  report(
    'report_citations',
    'Citations report',
    'Cited domains (citing rate per domain) and, per brand, how often its own domains are cited and cited near its mention (GET /v1/reports/citations).' +
      FILTERS +
      GROUPS +
      SECTIONS,
    groupedQuery,
    citationReportResponseSchema,
    (q) => s.grouped.citations(ws, q),
    citationsSummary,
  );
  report(
    'report_trend',
    'Trend report',
    'Per day or week (bucket) and brand: mention rate, above-the-fold rate, stream score and share of voice (GET /v1/reports/trend).' +
      FILTERS +
      SECTIONS,
    trendQuery,
    trendReportResponseSchema,
    ({ bucket, ...q }) => s.mentions.trend(ws, q, bucket),
    trendSummary,
  );
  report(
    'report_arrival',
    'Arrival distribution',
    'Per brand, the share of answers it had reached the reader in by t ms after the first token and within the first k tokens, each with an interval (GET /v1/reports/arrival).' +
      FILTERS +
      SECTIONS,
    reportQuery,
    arrivalReportResponseSchema,
    (q) => s.arrival.arrival(ws, q),
    arrivalSummary,
  );
  report(
    'report_gaps',
    'Gaps report',
    'Prompts × engines whose answers name a competitor and not the own brand (gap rate with interval, the competitors named) and the domains those answers cite (GET /v1/reports/gaps).' +
      FILTERS +
      SECTIONS,
    reportQuery,
    gapReportResponseSchema,
    (q) => s.gaps.gapReport(ws, q),
    gapsSummary,
  );
  report(
    'report_gap_domains',
    'Gap domains',
    'The domains cited in gap answers alone: the sources to win (GET /v1/reports/gaps/domains).' +
      FILTERS +
      SECTIONS,
    reportQuery,
    gapDomainsReportResponseSchema,
    (q) => s.gaps.domainsReport(ws, q),
    gapDomainsSummary,
  );
}
