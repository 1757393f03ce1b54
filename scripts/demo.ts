// `npm run demo`: migrate, seed a demo workspace (idempotently), run everything in one process (ROLE=all).
// Everything is synthetic: the demo engine is an embedded OpenAI-compatible server on loopback, labelled
// synthetic in every API response. Within a minute the runs list and the mention report show data.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type INestApplicationContext } from '@nestjs/common';
import { type Logger } from 'pino';
import { hashApiKey } from '../src/auth/api-key-format';
import { ApiKeyRepository } from '../src/auth/api-key.repository';
import { ApiKeyService } from '../src/auth/api-key.service';
import { signInLinkPath, WebSessionService } from '../src/auth/web-session.service';
import { start } from '../src/bootstrap';
import { ConfigError, loadConfig, type AppConfig } from '../src/config/app-config';
import { APP_CONFIG } from '../src/config/config.module';
import { applyMigrations, ensureDatabase } from '../src/infra/database/migrator';
import { ROOT_LOGGER } from '../src/infra/logging/logging.module';
import { DemoSeeder } from './demo-seeder';

const ENV_FILE = path.resolve(__dirname, '../.env');

function prepareEnvironment(): void {
  // `.env` was read by scripts/load-env.js (npm run demo preloads it).
  process.env.DATABASE_URL ??= 'postgresql://postgres@127.0.0.1:5432/streamrank';
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.ROLE = 'all';
  if (!process.env.ENCRYPTION_KEY) {
    // Credentials are encrypted with this key; keep it in .env so a restarted demo can still decrypt them.
    const key = randomBytes(32).toString('base64');
    writeFileSync(ENV_FILE, `# written by npm run demo\nENCRYPTION_KEY=${key}\n`, { flag: 'a' });
    process.env.ENCRYPTION_KEY = key;
    console.log(`demo: generated ENCRYPTION_KEY into ${ENV_FILE}`);
  }
}

async function main(): Promise<void> {
  prepareEnvironment();
  const config = loadConfig();
  await ensureDatabase(config.DATABASE_URL);
  const migrated = await applyMigrations(
    config.DATABASE_URL,
    path.resolve(__dirname, '../prisma/migrations'),
  );
  console.log(
    `demo: migrations applied: ${migrated.applied.length}, already applied: ${migrated.alreadyApplied.length}`,
  );

  const app = await start(config);
  const seeded = await new DemoSeeder(app.get(ApiKeyService), app).seed(process.env.DEMO_API_KEY);
  const base = `http://127.0.0.1:${config.PORT}`;
  const signInLink = await demoSignInLink(app, seeded.apiKey ?? process.env.DEMO_API_KEY);
  // Last on the screen: after the start-up log lines, which pino may still be writing (asynchronously).
  await flushLogs(app);
  const key = seeded.apiKey ?? '(DEMO_API_KEY from the environment)';
  console.log(`
streamrank demo is running (ROLE=all). All demo data is SYNTHETIC.

  Web app:    ${base}/
  Sign in:    ${signInLink ?? '(no link: the demo key was not found)'}
              (single use, valid ${config.SIGN_IN_LINK_TTL_MINUTES} min; or paste the API key on the sign-in page)
  API docs:   ${base}/docs
  workspace:  ${seeded.workspaceId}
  project:    ${seeded.projectId}
  API key:    ${key}

Try the API (runs start now and then every minute):
  KEY=${seeded.apiKey ?? '$DEMO_API_KEY'}
  curl -H "Authorization: Bearer $KEY" "${base}/v1/runs?projectId=${seeded.projectId}"
  curl -H "Authorization: Bearer $KEY" "${base}/v1/reports/mentions?projectId=${seeded.projectId}"
`);
}

/** A single-use sign-in link for the demo admin key, as a full URL. */
async function demoSignInLink(app: INestApplicationContext, key: string | undefined): Promise<string | null> {
  const record = key ? await app.get(ApiKeyRepository).findByHash(hashApiKey(key)) : null;
  if (!record) return null;
  const link = await app.get(WebSessionService).createSignInLink(record.workspaceId, record.id);
  return `http://127.0.0.1:${app.get<AppConfig>(APP_CONFIG).PORT}${signInLinkPath(link.token)}`;
}

async function flushLogs(app: INestApplicationContext): Promise<void> {
  await new Promise<void>((resolve) => app.get<Logger>(ROOT_LOGGER).flush(() => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 200));
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
