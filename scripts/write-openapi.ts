// Writes the OpenAPI document to openapi.json (committed). `--check` fails when the committed file is stale,
// so an API change without its spec fails CI.
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildOpenApiDocument, createHttpApp } from '../src/bootstrap';
import { loadConfig } from '../src/config/app-config';

export async function renderOpenApi(): Promise<string> {
  const config = loadConfig({
    DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/openapi_unused',
    REDIS_URL: 'redis://127.0.0.1:6379',
    ENCRYPTION_KEY: Buffer.alloc(32).toString('base64'),
    ROLE: 'api',
    SCHEDULER_ENABLED: 'false',
    LOG_LEVEL: 'silent',
  });
  const app = await createHttpApp(config);
  try {
    return `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const target = path.resolve(__dirname, '../openapi.json');
  const rendered = await renderOpenApi();
  if (process.argv.includes('--check')) {
    const committed = readFileSync(target, 'utf8');
    if (committed !== rendered) {
      console.error('openapi.json is stale: run `npm run openapi` and commit the result');
      process.exit(1);
    }
    console.log('openapi.json is up to date');
    return;
  }
  writeFileSync(target, rendered);
  console.log(`wrote ${target}`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
