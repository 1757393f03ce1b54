// Operator command line: `npm run cli -- <command>`. Talks to Postgres directly; needs DATABASE_URL.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { z } from 'zod';
import { ApiKeyRepository } from '../auth/api-key.repository';
import { ApiKeyService } from '../auth/api-key.service';
import { signInLinkPath, WebSessionService } from '../auth/web-session.service';
import { ConfigError, loadConfig } from '../config/app-config';
import { AppModule } from '../app.module';
import { ApiError } from '../infra/http/api-error';
import { MCP_API_KEY_ENV, serveMcpOverStdio } from '../mcp/mcp-stdio';
import { CliModule } from './cli.module';

const USAGE = `usage: npm run cli -- <command>
  workspace:create <name>                      create a workspace and print its first admin key (shown once)
  workspace:list                               list workspaces
  keys:create <workspaceId> <name> <admin|read> create an API key (shown once)
  keys:list <workspaceId>                      list a workspace's keys (never the secrets)
  keys:revoke <workspaceId> <keyId>            revoke a key
  sign-in-link <workspaceId> <keyId> [baseUrl] a single-use web app sign-in link acting with that key
                                               (baseUrl default http://127.0.0.1:<PORT>)
  mcp                                          MCP server on stdio for a local assistant, acting as the
                                               API key in ${MCP_API_KEY_ENV} (docs/mcp.md)`;

const uuid = z.uuid();

function arg(args: string[], i: number, name: string, check?: (v: string) => boolean): string {
  const v = args[i];
  if (!v || (check && !check(v))) throw new UsageError(`missing or invalid <${name}>`);
  return v;
}

class UsageError extends Error {}

async function main(): Promise<number> {
  const [command, ...args] = process.argv.slice(2);
  if (!command || command === 'help' || command === '--help') {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  if (command === 'mcp') return mcp();
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent' });
  const ctx = await NestFactory.createApplicationContext(CliModule.forConfig(config), { logger: false });
  const keys = ctx.get(ApiKeyService);
  const isUuid = (v: string) => uuid.safeParse(v).success;
  try {
    switch (command) {
      case 'workspace:create': {
        const created = await keys.createWorkspace(arg(args, 0, 'name').slice(0, 200));
        console.log(
          JSON.stringify(
            { workspaceId: created.workspaceId, apiKey: created.key.key, keyId: created.key.id },
            null,
            2,
          ),
        );
        console.error('Store the API key now: it is not shown again.');
        return 0;
      }
      case 'workspace:list':
        console.log(JSON.stringify(await ctx.get(ApiKeyRepository).listWorkspaces(), null, 2));
        return 0;
      case 'keys:create': {
        const role = arg(args, 2, 'admin|read', (v) => v === 'admin' || v === 'read') as 'admin' | 'read';
        const created = await keys.create(
          arg(args, 0, 'workspaceId', isUuid),
          arg(args, 1, 'name').slice(0, 100),
          role,
        );
        console.log(JSON.stringify(created, null, 2));
        console.error('Store the API key now: it is not shown again.');
        return 0;
      }
      case 'keys:list':
        console.log(JSON.stringify(await keys.list(arg(args, 0, 'workspaceId', isUuid)), null, 2));
        return 0;
      case 'keys:revoke':
        console.log(
          JSON.stringify(
            await keys.revoke(arg(args, 0, 'workspaceId', isUuid), arg(args, 1, 'keyId', isUuid)),
            null,
            2,
          ),
        );
        return 0;
      case 'sign-in-link': {
        const sessions = ctx.get(WebSessionService);
        const base = (args[2] ?? `http://127.0.0.1:${config.PORT}`).replace(/\/+$/, '');
        const link = await sessions
          .createSignInLink(arg(args, 0, 'workspaceId', isUuid), arg(args, 1, 'keyId', isUuid))
          .catch((e: unknown) => {
            throw e instanceof ApiError ? new Error('no live API key with this id in this workspace') : e;
          });
        console.log(
          JSON.stringify({ url: `${base}${signInLinkPath(link.token)}`, expiresAt: link.expiresAt }, null, 2),
        );
        console.error('Single use: the first browser to open it is signed in.');
        return 0;
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } finally {
    await ctx.close();
  }
}

/** stdout carries the protocol: no logs, no scheduler; the API role's services over Postgres and Redis. */
async function mcp(): Promise<number> {
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'silent', ROLE: 'api', SCHEDULER_ENABLED: 'false' });
  const ctx = await NestFactory.createApplicationContext(AppModule.forRole(config), { logger: false });
  try {
    await serveMcpOverStdio(ctx, process.env[MCP_API_KEY_ENV]);
    return 0;
  } finally {
    await ctx.close();
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof UsageError) console.error(`${e.message}\n${USAGE}`);
    else if (e instanceof ConfigError) console.error(e.message);
    else console.error((e as Error).message);
    process.exit(2);
  },
);
