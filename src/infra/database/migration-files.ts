// The migrations directory as the Prisma CLI reads it, and Prisma's checksum of a migration script.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { errorMessage, MigrationError } from './migration-error';

export interface LocalMigration {
  /** The directory name, e.g. `20261124000000_init`. */
  name: string;
  script: string;
  /** SHA-256 hex of the migration.sql bytes, as Prisma records it. */
  checksum: string;
}

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Prisma's `script_matches_checksum`: a checksum also matches the script with LF or CRLF line endings. */
export function scriptMatchesChecksum(script: string, checksum: string): boolean {
  return [script, script.replaceAll('\r\n', '\n'), script.replaceAll('\n', '\r\n')].some(
    (variant) => sha256Hex(variant) === checksum,
  );
}

/**
 * Reads the migrations directory like the Prisma CLI: every subdirectory is a migration whose script is
 * `migration.sql`, ordered by name (localeCompare); `migration_lock.toml`, if present, must name postgresql.
 */
export async function readMigrations(migrationsDir: string): Promise<LocalMigration[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(
      'INVALID_MIGRATIONS_DIRECTORY',
      `Cannot read the migrations directory ${migrationsDir}: ${errorMessage(error)}`,
    );
  }

  const lockfile = await readFile(path.join(migrationsDir, 'migration_lock.toml'), 'utf8').catch(() => null);
  if (lockfile !== null) {
    const provider = /^\s*provider\s*=\s*"([^"]*)"/m.exec(lockfile)?.[1];
    if (provider !== undefined && provider !== 'postgresql') {
      throw new MigrationError(
        'PROVIDER_MISMATCH',
        `${path.join(migrationsDir, 'migration_lock.toml')} names provider "${provider}", but these migrations ` +
          'are applied to PostgreSQL.',
      );
    }
  }

  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => a.localeCompare(b));
  const migrations: LocalMigration[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    let bytes: Buffer;
    try {
      bytes = await readFile(file);
    } catch (error) {
      throw new MigrationError(
        'INVALID_MIGRATIONS_DIRECTORY',
        `Migration ${name} has no readable migration.sql (${file}): ${errorMessage(error)}`,
      );
    }
    migrations.push({ name, script: bytes.toString('utf8'), checksum: sha256Hex(bytes) });
  }
  return migrations;
}
