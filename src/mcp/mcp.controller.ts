import { All, Controller, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { createMcpHandler } from '@modelcontextprotocol/server';
import { type Request, type Response } from 'express';
import { Auth, ReadAccess } from '../auth/access.decorator';
import { type AuthContext } from '../auth/auth-context';
import { fetchRequest, sendFetchResponse } from './mcp-http-bridge';
import { McpServerFactory } from './mcp-server.factory';

/**
 * Streamable HTTP at /mcp, stateless: every request gets a fresh server bound to the caller's key and is
 * answered in full by the replica that took it (no session id, no server-side state), on the 2026-07-28
 * protocol or the 2025 stateless fallback. The global ApiKeyGuard authenticates it like any API route
 * (Bearer key, role, per-key rate limit, 401 JSON), so write tools appear only for admin keys. Not in the
 * OpenAPI document: its contract is MCP's (docs/mcp.md).
 */
@ApiExcludeController()
@Controller('mcp')
export class McpController {
  constructor(private readonly servers: McpServerFactory) {}

  @All()
  @ReadAccess()
  async handle(@Auth() auth: AuthContext, @Req() req: Request, @Res() res: Response): Promise<void> {
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const handler = createMcpHandler(() => this.servers.create(auth));
    try {
      const body: unknown = req.body;
      const response = await handler.fetch(fetchRequest(req, abort.signal), {
        ...(body === undefined ? {} : { parsedBody: body }),
      });
      await sendFetchResponse(res, response);
    } finally {
      await handler.close();
    }
  }
}
