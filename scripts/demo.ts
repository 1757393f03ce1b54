// `npm run demo`: migrate, seed a demo workspace (idempotently), run everything in one process (ROLE=all).
// Everything is synthetic: the demo engine is an embedded OpenAI-compatible server on loopback, labelled
// synthetic in every API response. Within a minute the runs list and the mention report show data.
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { ApiKeyService } from '../src/auth/api-key.service';
import { start } from '../src/bootstrap';
import { ConfigError, loadConfig } from '../src/config/app-config';
import { applyMigrations, ensureDatabase } from '../src/infra/database/migrator';
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
  console.log(`
streamrank demo is running on ${base} (ROLE=all). All demo data is SYNTHETIC.
  workspace: ${seeded.workspaceId}
  project:   ${seeded.projectId}
  API key:   ${seeded.apiKey ?? '(DEMO_API_KEY from the environment)'}

Try (runs start now and then every minute):
  curl -H "Authorization: Bearer $KEY" ${base}/v1/runs?projectId=${seeded.projectId}
  curl -H "Authorization: Bearer $KEY" "${base}/v1/reports/mentions?projectId=${seeded.projectId}"
  open ${base}/docs
`);
}

main().catch((e: unknown) => {
  console.error(e instanceof ConfigError ? e.message : e);
  process.exit(1);
});
