// What the MCP e2e specs share: SDK clients over Streamable HTTP (closed together at the end), row counts for
// "nothing changed" checks, and a tool result's summary line.
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { type Client as Pg } from 'pg';

/** SDK clients of one spec against `baseUrl()`/mcp, each with a Bearer key. */
export function mcpClients(baseUrl: () => string) {
  const clients: Client[] = [];
  return {
    /** `mode`: the client's protocol-version negotiation (the SDK's default when absent). */
    async connect(key: string, mode?: 'legacy' | 'auto'): Promise<Client> {
      const client = new Client(
        { name: 'mcp-e2e', version: '1.0.0' },
        mode === undefined ? undefined : { versionNegotiation: { mode } },
      );
      const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl()}/mcp`), {
        requestInit: { headers: { Authorization: `Bearer ${key}` } },
      });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async closeAll(): Promise<void> {
      for (const c of clients) await c.close().catch(() => undefined);
    },
  };
}

/** `count(*)` of `FROM <sql>`. */
export const countRows = async (pg: Pg, sql: string, params: unknown[] = []): Promise<number> =>
  Number((await pg.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${sql}`, params)).rows[0]!.n);

/** Rows a failed write tool could have touched, for "nothing changed" checks. */
export const writableRows = async (pg: Pg) => ({
  prompts: await countRows(pg, 'tracked_prompts'),
  runs: await countRows(pg, 'runs'),
  rules: await countRows(pg, 'alert_rules'),
  backfills: await countRows(pg, 'backfills'),
  brands: (await pg.query('SELECT id, aliases::text, "updatedAt" FROM brands ORDER BY id')).rows as unknown,
});

/** A tool result's one-line summary (its first text content). */
export const toolText = (r: { content?: unknown }): string =>
  ((r.content as { text: string }[] | undefined) ?? [])[0]?.text ?? '';
