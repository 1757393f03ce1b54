import { type INestApplicationContext } from '@nestjs/common';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { ApiKeyService } from '../auth/api-key.service';
import { ApiError } from '../infra/http/api-error';
import { McpServerFactory } from './mcp-server.factory';

/** The environment variable `npm run cli -- mcp` reads the API key from (never an argument: ps shows those). */
export const MCP_API_KEY_ENV = 'STREAMRANK_API_KEY';

/**
 * Serves MCP over stdin/stdout until stdin closes, acting as the key's workspace and role: the same tools
 * as /mcp, for an assistant that starts streamrank as a local process. `ctx` is an API-role application
 * context (no HTTP server); nothing else may write to stdout meanwhile.
 */
export async function serveMcpOverStdio(
  ctx: INestApplicationContext,
  apiKey: string | undefined,
): Promise<void> {
  if (!apiKey) throw new Error(`set ${MCP_API_KEY_ENV} to a streamrank API key`);
  const auth = await ctx
    .get(ApiKeyService)
    .authenticate(`Bearer ${apiKey}`)
    .catch((e: unknown) => {
      throw e instanceof ApiError ? new Error(`${MCP_API_KEY_ENV} is not a live API key`) : e;
    });
  const factory = ctx.get(McpServerFactory);
  const closed = new Promise<void>((resolve) => {
    process.stdin.once('end', resolve);
    process.stdin.once('close', resolve);
  });
  const server = serveStdio(() => factory.create(auth), {
    onerror: (error) => console.error(`mcp: ${error.message}`),
  });
  console.error(`streamrank MCP server on stdio (${auth.role} key, workspace ${auth.workspaceId})`);
  await closed;
  await server.close();
}
