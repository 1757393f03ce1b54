// Applies the SQL migrations in prisma/migrations the way `prisma migrate deploy` does, without Prisma's
// native schema engine (which cannot be downloaded in every environment). The bookkeeping is Prisma's own:
// the same `_prisma_migrations` table and DDL, the same checksum (SHA-256 hex of migration.sql), the same
// advisory lock id, the same row life cycle; so `prisma migrate status` / `deploy` on a machine that has the
// engine agree with what this module did, and the two tools can be used interchangeably.
//
// Differences from Prisma, all stricter or safer:
// - each migration runs inside one transaction together with its `_prisma_migrations` row, so a crash never
//   leaves a half-applied migration; a migration that fails is rolled back and then recorded as failed
//   (finished_at NULL, logs set), exactly the state in which Prisma refuses to continue;
// - an applied migration whose file changed (checksum mismatch, line endings ignored as Prisma does) is refused;
// - the advisory lock wait is bounded by `lockTimeoutMs` (default 60 s) instead of Prisma's fixed 10 s.
import { randomUUID } from 'node:crypto';
import { Client, DatabaseError } from 'pg';
import { parseDatabaseUrl, quoteIdent, withDatabase } from './database-url';
import { errorMessage, MigrationError } from './migration-error';
import { readMigrations, scriptMatchesChecksum, type LocalMigration } from './migration-files';

/** Prisma Migrate's advisory lock id ("a unique number we chose to identify Migrate"). */
export const PRISMA_MIGRATE_LOCK_ID = 72707369;
export const MIGRATIONS_TABLE = '_prisma_migrations';

/** Verbatim the DDL of Prisma's Postgres connector (sql-schema-connector, create_migrations_table). */
const CREATE_MIGRATIONS_TABLE_SQL = `CREATE TABLE _prisma_migrations (
    id                      VARCHAR(36) PRIMARY KEY NOT NULL,
    checksum                VARCHAR(64) NOT NULL,
    finished_at             TIMESTAMPTZ,
    migration_name          VARCHAR(255) NOT NULL,
    logs                    TEXT,
    rolled_back_at          TIMESTAMPTZ,
    started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    applied_steps_count     INTEGER NOT NULL DEFAULT 0
);
`;

/** Tables Prisma does not count when deciding whether a database without a migrations table is empty. */
const IGNORED_TABLES = new Set(['spatial_ref_sys']);

export type MigrationLog = (message: string) => void;

export interface ApplyMigrationsResult {
  /** Migrations applied by this call, in order. */
  applied: string[];
  /** Local migrations that were already applied before this call, in order. */
  alreadyApplied: string[];
}

export interface ApplyMigrationsOptions {
  /** How long to wait for another migrator holding the lock before giving up. Default 60 000 ms. */
  lockTimeoutMs?: number;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

/**
 * Creates the database named in `databaseUrl` when it does not exist (connecting to the server's `postgres`
 * database for that). Returns true when it created it. Safe to call concurrently.
 */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const { database } = parseDatabaseUrl(databaseUrl);
  const probe = new Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    return false;
  } catch (error) {
    // 3D000 invalid_catalog_name: the database does not exist. Anything else is a real connection problem.
    if (!(error instanceof DatabaseError) || error.code !== '3D000') throw error;
  } finally {
    await probe.end().catch(() => undefined);
  }

  const admin = new Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(database)}`);
    return true;
  } catch (error) {
    // 42P04 duplicate_database; 23505 when a concurrent CREATE DATABASE wins the race on pg_database.
    if (error instanceof DatabaseError && (error.code === '42P04' || error.code === '23505')) return false;
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }
}

/**
 * Applies the migrations in `migrationsDir` that the database in `databaseUrl` has not applied yet, holding
 * Prisma Migrate's advisory lock, so several migrators (containers) can start at once. The database must exist
 * (see `ensureDatabase`). Throws a `MigrationError` on anything that needs a human.
 */
export async function applyMigrations(
  databaseUrl: string,
  migrationsDir: string,
  log: MigrationLog = () => undefined,
  options: ApplyMigrationsOptions = {},
): Promise<ApplyMigrationsResult> {
  const { schema } = parseDatabaseUrl(databaseUrl);
  const migrations = await readMigrations(migrationsDir);
  const lockTimeoutMs = options.lockTimeoutMs ?? 60_000;

  const client = new Client({ connectionString: databaseUrl, application_name: 'streamrank-migrate' });
  await client.connect();
  let locked = false;
  try {
    // Prisma's migrations table lives in the connection's schema (`?schema=`, default public).
    await client.query(`SET search_path TO ${quoteIdent(schema)}`);

    await client.query(`SET lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
    try {
      await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_ID]);
    } catch (error) {
      if (error instanceof DatabaseError && error.code === '55P03') {
        throw new MigrationError(
          'LOCK_TIMEOUT',
          `Timed out after ${lockTimeoutMs} ms waiting for the migration lock (pg_advisory_lock(${PRISMA_MIGRATE_LOCK_ID})): ` +
            'another migrator is still running against this database.',
        );
      }
      throw error;
    }
    locked = true;
    await client.query('RESET lock_timeout');

    await initializeMigrationsTable(client, schema, log);
    const rows = (
      await client.query<MigrationRow>(
        `SELECT id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count
           FROM ${MIGRATIONS_TABLE} ORDER BY started_at ASC`,
      )
    ).rows;
    const live = rows.filter((row) => row.rolled_back_at === null);

    // Same rule as Prisma (P3009): a failed migration blocks everything until it is resolved.
    const failed = live.filter((row) => row.finished_at === null);
    if (failed.length > 0) {
      const details = failed
        .map((row) => {
          const logs = row.logs?.trim();
          return `- ${row.migration_name}, started at ${row.started_at.toISOString()}${logs ? `:\n${indent(logs)}` : ''}`;
        })
        .join('\n');
      throw new MigrationError(
        'FAILED_MIGRATION_RECORDED',
        `Found failed migrations in ${MIGRATIONS_TABLE}; new migrations are not applied until they are resolved:\n` +
          `${details}\n` +
          'Fix the database by hand if needed, then mark each as rolled back with ' +
          '`prisma migrate resolve --rolled-back <name>` or ' +
          `\`UPDATE "${MIGRATIONS_TABLE}" SET rolled_back_at = now() WHERE migration_name = '<name>' AND finished_at IS NULL\`.`,
      );
    }

    const appliedByName = new Map<string, MigrationRow[]>();
    for (const row of live) {
      appliedByName.set(row.migration_name, [...(appliedByName.get(row.migration_name) ?? []), row]);
    }

    const changed = migrations.filter((migration) => {
      const recorded = appliedByName.get(migration.name);
      return (
        recorded !== undefined &&
        !recorded.some((row) => scriptMatchesChecksum(migration.script, row.checksum))
      );
    });
    if (changed.length > 0) {
      throw new MigrationError(
        'CHECKSUM_MISMATCH',
        `These migrations were modified after they were applied (checksum mismatch): ${changed.map((m) => m.name).join(', ')}. ` +
          'Applied migrations are immutable: restore the original migration.sql and put the change in a new migration.',
      );
    }

    const localNames = new Set(migrations.map((migration) => migration.name));
    const unknown = [...appliedByName.keys()].filter((name) => !localNames.has(name));
    if (unknown.length > 0) {
      log(
        `warning: the database has applied migrations not found in ${migrationsDir}: ${unknown.join(', ')}`,
      );
    }

    const alreadyApplied = migrations.filter((m) => appliedByName.has(m.name)).map((m) => m.name);
    const pending = migrations.filter((m) => !appliedByName.has(m.name));
    const applied: string[] = [];
    for (const migration of pending) {
      const started = Date.now();
      await applyOne(client, migration);
      applied.push(migration.name);
      log(`applied ${migration.name} in ${Date.now() - started} ms`);
    }
    return { applied, alreadyApplied };
  } finally {
    if (locked) {
      await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_MIGRATE_LOCK_ID]).catch(() => undefined);
    }
    await client.end().catch(() => undefined);
  }
}

async function initializeMigrationsTable(client: Client, schema: string, log: MigrationLog): Promise<void> {
  const tables = (
    await client.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind = 'r' AND n.nspname = $1`,
      [schema],
    )
  ).rows.map((row) => row.name);
  if (tables.includes(MIGRATIONS_TABLE)) return;

  // Prisma's P3005: a schema that already has tables but no migration history must be baselined first.
  const foreign = tables.filter((name) => !IGNORED_TABLES.has(name));
  if (foreign.length > 0) {
    throw new MigrationError(
      'SCHEMA_NOT_EMPTY',
      `The schema "${schema}" is not empty (${foreign.slice(0, 5).join(', ')}${foreign.length > 5 ? ', ...' : ''}) ` +
        `but has no ${MIGRATIONS_TABLE} table. Baseline it (prisma migrate resolve --applied <name>) or use an empty database.`,
    );
  }
  // Only when missing: CREATE SCHEMA IF NOT EXISTS needs the CREATE privilege on the database even if it exists.
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (exists.rowCount === 0) await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  await client.query(CREATE_MIGRATIONS_TABLE_SQL);
  log(`created ${MIGRATIONS_TABLE} in schema "${schema}"`);
}

async function applyOne(client: Client, migration: LocalMigration): Promise<void> {
  const id = randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, started_at, migration_name) VALUES ($1, $2, clock_timestamp(), $3)`,
      [id, migration.checksum, migration.name],
    );
    // No parameters: pg uses the simple query protocol, which runs a multi-statement script (as Prisma does).
    await client.query(migration.script);
    await client.query(
      `UPDATE ${MIGRATIONS_TABLE} SET applied_steps_count = applied_steps_count + 1, finished_at = clock_timestamp()
        WHERE id = $1`,
      [id],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    const logs = describeScriptError(error, migration.script);
    // Record the failure the way Prisma does (finished_at NULL, logs), so every migrator refuses to continue
    // until someone looks at it. The script itself was rolled back.
    await client
      .query(
        `INSERT INTO ${MIGRATIONS_TABLE} (id, checksum, started_at, migration_name, logs) VALUES ($1, $2, clock_timestamp(), $3, $4)`,
        [id, migration.checksum, migration.name, logs],
      )
      .catch(() => undefined);
    throw new MigrationError(
      'MIGRATION_FAILED',
      `Migration ${migration.name} failed; its changes were rolled back and the failure was recorded in ` +
        `${MIGRATIONS_TABLE}.\n${logs}`,
    );
  }
}

function describeScriptError(error: unknown, script: string): string {
  if (!(error instanceof DatabaseError)) return `Error:\n${errorMessage(error)}`;
  const parts = [`Database error code: ${error.code ?? 'unknown'}`, `Database error:\n${error.message}`];
  const position = Number(error.position);
  if (Number.isInteger(position) && position > 0) {
    const line = script.slice(0, position - 1).split('\n').length;
    const text = script.split('\n')[line - 1] ?? '';
    parts.push(`Position: line ${line}: ${text.trim()}`);
  }
  if (error.detail) parts.push(`Detail: ${error.detail}`);
  return parts.join('\n\n');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
