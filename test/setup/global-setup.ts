// Jest globalSetup: gives the run a freshly migrated test database. The database (streamrank_test unless
// DATABASE_URL says otherwise) is created if missing, its `public` schema dropped and recreated, and the
// migrations in prisma/migrations applied with the same migrator production uses.
import './env';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations, ensureDatabase } from '../../src/infra/database/migrator';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const databaseUrl = process.env.DATABASE_URL as string;
  const { pathname, searchParams } = new URL(databaseUrl);
  if (!/test/i.test(pathname)) {
    // The schema is dropped below: refuse anything that does not look like a test database.
    throw new Error(
      `Refusing to reset ${pathname.slice(1)}: the test DATABASE_URL must name a *test* database.`,
    );
  }
  const schema = searchParams.get('schema') || 'public';

  await ensureDatabase(databaseUrl);
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const ident = `"${schema.replaceAll('"', '""')}"`;
    await client.query(`DROP SCHEMA IF EXISTS ${ident} CASCADE; CREATE SCHEMA ${ident};`);
  } finally {
    await client.end();
  }
  await applyMigrations(databaseUrl, path.resolve(__dirname, '../../prisma/migrations'));

  if (process.env.DEBUG_TEST_SETUP) {
    console.log(`\nglobal-setup: ${pathname.slice(1)} migrated in ${Date.now() - started} ms`);
  }
}
