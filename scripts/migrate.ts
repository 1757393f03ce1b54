// `npm run db:migrate` (and `node dist/scripts/migrate.js` in the container image): creates the database in
// DATABASE_URL if needed and applies pending migrations from prisma/migrations, recording them in
// `_prisma_migrations` exactly as `prisma migrate deploy` would. See src/infra/database/migrator.ts.
//
// Options (environment): DATABASE_URL (required), MIGRATIONS_DIR (default: the nearest prisma/migrations above
// this file), MIGRATE_LOCK_TIMEOUT_MS (default 60000).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MigrationError } from '../src/infra/database/migration-error';
import { applyMigrations, ensureDatabase } from '../src/infra/database/migrator';

function findMigrationsDir(): string {
  // scripts/migrate.ts runs from the repository; dist/scripts/migrate.js from the build output one level deeper.
  for (let dir = __dirname, i = 0; i < 4; i++, dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
  }
  return path.resolve('prisma', 'migrations');
}

function describeTarget(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.hostname}:${url.port || '5432'}${url.pathname}`;
  } catch {
    return '(unparseable DATABASE_URL)';
  }
}

async function main(): Promise<number> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    console.error('migrate: DATABASE_URL is not set (e.g. postgresql://user:password@host:5432/streamrank).');
    return 2;
  }
  const migrationsDir = process.env.MIGRATIONS_DIR ?? findMigrationsDir();
  const lockTimeoutMs = Number(process.env.MIGRATE_LOCK_TIMEOUT_MS ?? 60_000);
  const started = Date.now();
  const log = (message: string): void => console.log(`migrate: ${message}`);

  log(`database ${describeTarget(databaseUrl)}, migrations ${migrationsDir}`);
  try {
    if (await ensureDatabase(databaseUrl)) log('created the database');
    const { applied, alreadyApplied } = await applyMigrations(databaseUrl, migrationsDir, log, {
      lockTimeoutMs: Number.isFinite(lockTimeoutMs) && lockTimeoutMs > 0 ? lockTimeoutMs : 60_000,
    });
    log(
      applied.length > 0
        ? `applied ${applied.length} migration(s), ${alreadyApplied.length} already applied, in ${Date.now() - started} ms`
        : `up to date (${alreadyApplied.length} migration(s) applied), ${Date.now() - started} ms`,
    );
    return 0;
  } catch (error) {
    if (error instanceof MigrationError) {
      console.error(`migrate: refused [${error.code}]: ${error.message}`);
    } else {
      console.error('migrate: failed:', error);
    }
    return 1;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('migrate: failed:', error);
    process.exit(1);
  },
);
