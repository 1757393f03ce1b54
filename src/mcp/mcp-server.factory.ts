import { Injectable, Logger } from '@nestjs/common';
import { McpServer } from '@modelcontextprotocol/server';
import { type AuthContext } from '../auth/auth-context';
import { registerDiscoveryTools } from './mcp-discovery-tools';
import { readMetricsDoc, registerGuides } from './mcp-guides';
import { registerReportTools } from './mcp-report-tools';
import { McpServices } from './mcp-services';
import { registerRunTools } from './mcp-run-tools';
import { registerWriteTools } from './mcp-write-tools';

export const MCP_SERVER_INFO = { name: 'streamrank', version: '1.0.0' };

const INSTRUCTIONS =
  'streamrank measures how AI answer engines mention brands: whether, where and how fast. Start with ' +
  'list_projects, then list_brands/list_engines/list_prompts/list_tags for ids; the report_* tools take a ' +
  'projectId, a time range and filters. Figures come with n and a 95% interval; `synthetic` sections hold ' +
  'demo-engine runs and are never measured data. Definitions: resource streamrank://docs/metrics.md.';

/**
 * One MCP server per caller: a fresh instance for every HTTP request (stateless, so any replica answers)
 * or for the stdio connection, bound to the API key's workspace and role. Write tools exist only on an
 * admin key's server, so a read key neither lists nor can call them.
 */
@Injectable()
export class McpServerFactory {
  private readonly metricsDoc = readMetricsDoc();

  constructor(private readonly services: McpServices) {
    if (this.metricsDoc === null) {
      new Logger(McpServerFactory.name).warn(
        'docs/metrics.md not found: the MCP metrics resource is left out',
      );
    }
  }

  create(auth: AuthContext): McpServer {
    const server = new McpServer(MCP_SERVER_INFO, { instructions: INSTRUCTIONS });
    registerDiscoveryTools(server, this.services, auth);
    registerReportTools(server, this.services, auth);
    registerRunTools(server, this.services, auth);
    if (auth.role === 'admin') registerWriteTools(server, this.services, auth.workspaceId);
    registerGuides(server, this.metricsDoc);
    return server;
  }
}
