import { Logger } from '@nestjs/common';
import { type CallToolResult } from '@modelcontextprotocol/server';
import { ApiError, type ApiErrorBody } from '../infra/http/api-error';

const logger = new Logger('McpTools');

/** A tool's answer: the structured result (validated against the tool's output schema) and one line. */
export function toolResult(structured: object, summary: string): CallToolResult {
  return {
    content: [{ type: 'text', text: summary }],
    structuredContent: structured,
  };
}

/**
 * An error as a tool error (`isError`). An ApiError keeps the code and message the REST API answers with
 * (`not_found: Project not found`); anything else is a fault of ours, logged, and never shown (it could
 * carry SQL or internal detail).
 */
export function toolError(error: unknown): CallToolResult {
  const text =
    error instanceof ApiError
      ? `${error.code}: ${(error.getResponse() as ApiErrorBody).error.message}`
      : 'internal_error: the request failed; the server log has the details';
  return { isError: true, content: [{ type: 'text', text }] };
}

/** Runs a tool body; an error becomes a tool error (unexpected ones are logged first). */
export async function answer(run: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ApiError)) logger.error({ err: error }, 'MCP tool failed');
    return toolError(error);
  }
}
