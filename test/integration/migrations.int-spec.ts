// Migrations: (a) the migrator applies prisma/migrations to a fresh database and records them exactly like
// Prisma Migrate; (b) drift check: schema.prisma and prisma/migrations describe the same database schema.
//
// (b) renders schema.prisma to SQL with the Prisma 6.19 CLI (`prisma-legacy`, whose WASM schema engine needs
// no download: `engine: "js"` + the pg driver adapter), applies that SQL to one temporary database and the
// migrations to another, and compares normalized catalog dumps. When it fails, add a migration directory
// (prisma/migrations/<yyyymmddhhmmss>_<name>/migration.sql) with the SQL that the reported differences imply.
import { randomBytes } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { renderSchemaDiff } from '../../scripts/prisma-schema-diff';
import { quoteIdent, withDatabase } from '../../src/infra/database/database-url';
import { MigrationError } from '../../src/infra/database/migration-error';
import { sha256Hex } from '../../src/infra/database/migration-files';
import { applyMigrations, ensureDatabase, PRISMA_MIGRATE_LOCK_ID } from '../../src/infra/database/migrator';

const ROOT = path.resolve(__dirname, '../..');
const MIGRATIONS_DIR = path.join(ROOT, 'prisma/migrations');
const SCHEMA_FILE = path.join(ROOT, 'prisma/schema.prisma');
const BASE_URL = process.env.DATABASE_URL as string;
const SCHEMA = 'public';

// ---------------------------------------------------------------------------------------------- helpers

const tempDatabases: string[] = [];
const tempDirs: string[] = [];

async function withClient<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty, uniquely named database; dropped in afterAll. Returns its URL. */
async function createTempDatabase(label: string): Promise<string> {
  const name = `srtest_mig_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  tempDatabases.push(name);
  await withClient(withDatabase(BASE_URL, 'postgres'), (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  return withDatabase(BASE_URL, name);
}

async function makeTempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'streamrank-migrations-'));
  tempDirs.push(dir);
  return dir;
}

/** A copy of prisma/migrations that a test can change. */
async function copyMigrations(): Promise<string> {
  const dir = path.join(await makeTempDir(), 'migrations');
  await cp(MIGRATIONS_DIR, dir, { recursive: true });
  return dir;
}

function migrationError(promise: Promise<unknown>): Promise<MigrationError> {
  return promise.then(
    () => {
      throw new Error('expected a MigrationError, but the call succeeded');
    },
    (error: unknown) => {
      if (!(error instanceof MigrationError)) throw error;
      return error;
    },
  );
}

/** SQL that creates `schemaText` from an empty database (scripts/prisma-schema-diff.ts). */
async function renderSchemaSql(schemaText: string): Promise<string> {
  const sql = await renderSchemaDiff(null, schemaText, withDatabase(BASE_URL, 'postgres'));
  if (!/CREATE TABLE/.test(sql)) throw new Error(`prisma migrate diff produced no SQL:\n${sql}`);
  return sql;
}

/**
 * One line per schema object, sorted, in a form where equal lines mean equal objects. Column order and enum
 * label order are deliberately ignored: Prisma's own differ ignores both (ADD COLUMN and ADD VALUE append).
 */
async function dumpCatalog(url: string): Promise<string[]> {
  return withClient(url, async (c) => {
    const lines: string[] = [];
    const relkinds = "('r', 'p', 'v', 'm', 'f')";
    const notMigrationsTable = "c.relname <> '_prisma_migrations'";

    const tables = await c.query<{ name: string; kind: string; view: string | null }>(
      `SELECT c.relname AS name, c.relkind AS kind,
              CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid, true) END AS view
         FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ${relkinds} AND ${notMigrationsTable}`,
      [SCHEMA],
    );
    for (const t of tables.rows) {
      lines.push(`relation ${t.name} kind=${t.kind}${t.view ? ` as ${t.view}` : ''}`);
    }

    const columns = await c.query<{
      table: string;
      column: string;
      type: string;
      notnull: boolean;
      default: string | null;
      identity: string;
      generated: string;
      collation: string | null;
    }>(
      `SELECT c.relname AS table, a.attname AS column, format_type(a.atttypid, a.atttypmod) AS type,
              a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS default,
              a.attidentity AS identity, a.attgenerated AS generated,
              CASE WHEN a.attcollation <> t.typcollation THEN co.collname END AS collation
         FROM pg_attribute a
         JOIN pg_class c ON c.oid = a.attrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
         JOIN pg_type t ON t.oid = a.atttypid
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN pg_collation co ON co.oid = a.attcollation
        WHERE n.nspname = $1 AND c.relkind IN ${relkinds} AND ${notMigrationsTable}
          AND a.attnum > 0 AND NOT a.attisdropped`,
      [SCHEMA],
    );
    for (const col of columns.rows) {
      lines.push(
        `column ${col.table}.${col.column} ${col.type}${col.notnull ? ' NOT NULL' : ''}` +
          `${col.default !== null ? ` DEFAULT ${col.default}` : ''}` +
          `${col.identity ? ` IDENTITY(${col.identity})` : ''}${col.generated ? ` GENERATED(${col.generated})` : ''}` +
          `${col.collation ? ` COLLATE ${col.collation}` : ''}`,
      );
    }

    const indexes = await c.query<{ table: string; name: string; def: string }>(
      `SELECT tablename AS table, indexname AS name, indexdef AS def FROM pg_indexes
        WHERE schemaname = $1 AND tablename <> '_prisma_migrations'`,
      [SCHEMA],
    );
    for (const i of indexes.rows) lines.push(`index ${i.table}.${i.name}: ${i.def}`);

    const constraints = await c.query<{ table: string; name: string; type: string; def: string }>(
      `SELECT c.relname AS table, con.conname AS name, con.contype AS type, pg_get_constraintdef(con.oid, true) AS def
         FROM pg_constraint con
         JOIN pg_class c ON c.oid = con.conrelid
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND ${notMigrationsTable}`,
      [SCHEMA],
    );
    for (const k of constraints.rows) lines.push(`constraint ${k.table}.${k.name} (${k.type}): ${k.def}`);

    const enums = await c.query<{ name: string; labels: string[] }>(
      `SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumlabel) AS labels
         FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = $1 GROUP BY t.typname`,
      [SCHEMA],
    );
    for (const e of enums.rows) lines.push(`enum ${e.name}: ${e.labels.join(', ')}`);

    const sequences = await c.query<{ name: string; type: string; start: string; increment: string }>(
      `SELECT sequencename AS name, data_type::text AS type, start_value::text AS start, increment_by::text AS increment
         FROM pg_sequences WHERE schemaname = $1`,
      [SCHEMA],
    );
    for (const s of sequences.rows) {
      lines.push(`sequence ${s.name} ${s.type} start=${s.start} increment=${s.increment}`);
    }

    const extensions = await c.query<{ name: string }>(
      "SELECT extname AS name FROM pg_extension WHERE extname <> 'plpgsql'",
    );
    for (const x of extensions.rows) lines.push(`extension ${x.name}`);

    return lines.sort();
  });
}

/** Human-readable differences between two catalog dumps; empty when they describe the same schema. */
function diffCatalogs(fromSchema: string[], fromMigrations: string[]): string[] {
  const inMigrations = new Set(fromMigrations);
  const inSchema = new Set(fromSchema);
  return [
    ...fromSchema
      .filter((line) => !inMigrations.has(line))
      .map((line) => `- only in schema.prisma:   ${line}`),
    ...fromMigrations
      .filter((line) => !inSchema.has(line))
      .map((line) => `+ only in the migrations: ${line}`),
  ];
}

async function databaseFromSql(label: string, sql: string): Promise<string> {
  const url = await createTempDatabase(label);
  await withClient(url, (c) => c.query(sql));
  return url;
}

async function databaseFromMigrations(label: string, migrationsDir = MIGRATIONS_DIR): Promise<string> {
  const url = await createTempDatabase(label);
  await applyMigrations(url, migrationsDir);
  return url;
}

afterAll(async () => {
  await withClient(withDatabase(BASE_URL, 'postgres'), async (c) => {
    for (const name of tempDatabases) {
      await c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    }
  });
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

// ---------------------------------------------------------------------------------------------- (a) migrator

describe('migrator', () => {
  it('migrates a fresh database, records it like Prisma Migrate, and is a no-op the second time', async () => {
    const url = await createTempDatabase('fresh');

    const first = await applyMigrations(url, MIGRATIONS_DIR);
    const second = await applyMigrations(url, MIGRATIONS_DIR);

    const names = (await readdir(MIGRATIONS_DIR, { withFileTypes: true }))
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort((a, b) => a.localeCompare(b));
    expect(names.length).toBeGreaterThan(0);
    expect(first).toEqual({ applied: names, alreadyApplied: [] });
    expect(second).toEqual({ applied: [], alreadyApplied: names });

    await withClient(url, async (c) => {
      const rows = (
        await c.query<{
          id: string;
          checksum: string;
          finished_at: Date | null;
          migration_name: string;
          logs: string | null;
          rolled_back_at: Date | null;
          started_at: Date;
          applied_steps_count: number;
        }>('SELECT * FROM _prisma_migrations ORDER BY started_at')
      ).rows;
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      for (const row of rows) {
        const bytes = await readFile(path.join(MIGRATIONS_DIR, row.migration_name, 'migration.sql'));
        expect(row.checksum).toBe(sha256Hex(bytes));
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.id).toMatch(/^[0-9a-f-]{36}$/);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
        expect(row.applied_steps_count).toBe(1);
      }

      // Prisma's exact table definition.
      const columns = (
        await c.query<{ name: string; type: string; nullable: string; default: string | null }>(
          `SELECT column_name AS name, format_type(a.atttypid, a.atttypmod) AS type, is_nullable AS nullable,
                  column_default AS default
             FROM information_schema.columns ic
             JOIN pg_attribute a ON a.attrelid = '_prisma_migrations'::regclass AND a.attname = ic.column_name
            WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
        )
      ).rows;
      expect(columns).toEqual([
        { name: 'id', type: 'character varying(36)', nullable: 'NO', default: null },
        { name: 'checksum', type: 'character varying(64)', nullable: 'NO', default: null },
        { name: 'finished_at', type: 'timestamp with time zone', nullable: 'YES', default: null },
        { name: 'migration_name', type: 'character varying(255)', nullable: 'NO', default: null },
        { name: 'logs', type: 'text', nullable: 'YES', default: null },
        { name: 'rolled_back_at', type: 'timestamp with time zone', nullable: 'YES', default: null },
        { name: 'started_at', type: 'timestamp with time zone', nullable: 'NO', default: 'now()' },
        { name: 'applied_steps_count', type: 'integer', nullable: 'NO', default: '0' },
      ]);
      const pk = await c.query(
        "SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '_prisma_migrations'::regclass",
      );
      expect(pk.rows).toEqual([{ def: 'PRIMARY KEY (id)' }]);

      // The advisory lock is released.
      const locks = await c.query("SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND objid = $1", [
        PRISMA_MIGRATE_LOCK_ID,
      ]);
      expect(locks.rowCount).toBe(0);
    });
  });

  it('serializes concurrent migrators with the advisory lock', async () => {
    const url = await createTempDatabase('concurrent');
    const results = await Promise.all([1, 2, 3].map(() => applyMigrations(url, MIGRATIONS_DIR)));
    const appliedBy = results.filter((r) => r.applied.length > 0);
    expect(appliedBy).toHaveLength(1);
    for (const r of results.filter((x) => x.applied.length === 0)) {
      expect(r.alreadyApplied).toEqual(appliedBy[0]!.applied);
    }
    await withClient(url, async (c) => {
      const { rows } = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM _prisma_migrations');
      expect(rows[0]!.n).toBe(appliedBy[0]!.applied.length);
    });
  });

  it('gives up with LOCK_TIMEOUT while another migrator holds the lock', async () => {
    const url = await createTempDatabase('locked');
    await withClient(url, async (holder) => {
      await holder.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_ID]);
      const error = await migrationError(
        applyMigrations(url, MIGRATIONS_DIR, undefined, { lockTimeoutMs: 200 }),
      );
      expect(error.code).toBe('LOCK_TIMEOUT');
    });
  });

  it('refuses an applied migration whose file changed, but not a line-ending change', async () => {
    const url = await createTempDatabase('checksum');
    const dir = await copyMigrations();
    const all = (await applyMigrations(url, dir)).applied;
    const first = all[0];
    const file = path.join(dir, first!, 'migration.sql');
    const original = await readFile(file, 'utf8');

    await writeFile(file, original.replaceAll('\n', '\r\n'));
    await expect(applyMigrations(url, dir)).resolves.toEqual({ applied: [], alreadyApplied: all });

    await writeFile(file, `${original}\n-- edited after it was applied\n`);
    const error = await migrationError(applyMigrations(url, dir));
    expect(error.code).toBe('CHECKSUM_MISMATCH');
    expect(error.message).toContain(first);
  });

  it('rolls back and records a failed migration, then refuses to continue until it is resolved', async () => {
    const url = await createTempDatabase('failed');
    const dir = await copyMigrations();
    const broken = path.join(dir, '29991231000000_broken');
    await mkdir(broken);
    await writeFile(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE "probe" ("id" INTEGER);\nSELECT no_such_column FROM "probe";\n',
    );

    const failure = await migrationError(applyMigrations(url, dir));
    expect(failure.code).toBe('MIGRATION_FAILED');
    expect(failure.message).toContain('no_such_column');

    await withClient(url, async (c) => {
      expect((await c.query("SELECT to_regclass('probe') AS t")).rows[0]).toEqual({ t: null });
      const row = (
        await c.query<{ finished_at: Date | null; logs: string; applied_steps_count: number }>(
          "SELECT * FROM _prisma_migrations WHERE migration_name = '29991231000000_broken'",
        )
      ).rows;
      expect(row).toHaveLength(1);
      expect(row[0]).toMatchObject({ finished_at: null, applied_steps_count: 0 });
      expect(row[0]!.logs).toContain('42703');
    });

    const refused = await migrationError(applyMigrations(url, dir));
    expect(refused.code).toBe('FAILED_MIGRATION_RECORDED');
    expect(refused.message).toContain('29991231000000_broken');

    // Resolved the way `prisma migrate resolve --rolled-back` does, and fixed: it applies.
    await withClient(url, (c) =>
      c.query(
        "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '29991231000000_broken'",
      ),
    );
    await writeFile(path.join(broken, 'migration.sql'), 'CREATE TABLE "probe" ("id" INTEGER);\n');
    await expect(applyMigrations(url, dir)).resolves.toMatchObject({ applied: ['29991231000000_broken'] });
  });

  it('refuses a non-empty database that has no migration history (Prisma P3005)', async () => {
    const url = await createTempDatabase('nonempty');
    await withClient(url, (c) => c.query('CREATE TABLE "legacy" ("id" INTEGER)'));
    const error = await migrationError(applyMigrations(url, MIGRATIONS_DIR));
    expect(error.code).toBe('SCHEMA_NOT_EMPTY');
  });

  it('ensureDatabase creates a missing database once', async () => {
    const name = `srtest_mig_ensure_${process.pid}_${randomBytes(3).toString('hex')}`;
    tempDatabases.push(name);
    const url = withDatabase(BASE_URL, name);
    const created = await Promise.all([ensureDatabase(url), ensureDatabase(url)]);
    expect(created.filter(Boolean)).toHaveLength(1);
    await expect(ensureDatabase(url)).resolves.toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------- (b) drift

describe('schema drift: schema.prisma vs prisma/migrations', () => {
  let schemaText: string;
  let fromSchema: string[];
  let fromMigrations: string[];

  beforeAll(async () => {
    schemaText = await readFile(SCHEMA_FILE, 'utf8');
    [fromSchema, fromMigrations] = await Promise.all([
      renderSchemaSql(schemaText).then((sql) => databaseFromSql('drift_schema', sql).then(dumpCatalog)),
      databaseFromMigrations('drift_migrations').then(dumpCatalog),
    ]);
  });

  it('the migrations create exactly the schema that schema.prisma describes', () => {
    expect(fromMigrations.length).toBeGreaterThan(20);
    const drift = diffCatalogs(fromSchema, fromMigrations);
    if (drift.length > 0) {
      throw new Error(
        'prisma/schema.prisma and prisma/migrations describe different schemas. Add a migration that turns the ' +
          `migrated schema into the one schema.prisma describes:\n${drift.join('\n')}`,
      );
    }
  });

  it('detects drift (a column added to schema.prisma)', async () => {
    const mutated = schemaText.replace(/model Workspace \{\n/, 'model Workspace {\n  driftProbe String?\n');
    expect(mutated).not.toBe(schemaText);
    const fromMutated = await dumpCatalog(
      await databaseFromSql('drift_mutated', await renderSchemaSql(mutated)),
    );

    expect(diffCatalogs(fromMutated, fromSchema)).toEqual([
      '- only in schema.prisma:   column workspaces.driftProbe text',
    ]);
  });

  it('detects drift in the other direction (an index only the migrations create)', async () => {
    const dir = await copyMigrations();
    const extra = path.join(dir, '29991231000000_extra_index');
    await mkdir(extra);
    await appendFile(
      path.join(extra, 'migration.sql'),
      'CREATE INDEX "workspaces_name_idx" ON "workspaces"("name");\n',
    );
    const fromExtra = await dumpCatalog(await databaseFromMigrations('drift_extra', dir));

    expect(diffCatalogs(fromMigrations, fromExtra)).toEqual([
      '+ only in the migrations: index workspaces.workspaces_name_idx: ' +
        'CREATE INDEX workspaces_name_idx ON public.workspaces USING btree (name)',
    ]);
  });
});
