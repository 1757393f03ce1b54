import { Module } from '@nestjs/common';
import { McpController } from './mcp.controller';
import { McpServerFactory } from './mcp-server.factory';
import { McpServices } from './mcp-services';

/**
 * The MCP server (docs/mcp.md): tools over the reports, runs and configuration services, a metrics
 * resource and prompt templates. Served over Streamable HTTP at /mcp by the API role, and over stdio by
 * `npm run cli -- mcp`. Registered after the feature modules whose services it calls.
 */
@Module({
  controllers: [McpController],
  providers: [McpServices, McpServerFactory],
  exports: [McpServerFactory],
})
export class McpModule {}
