// The parts of a postgresql:// DATABASE_URL the migrator needs (database, `?schema=`), and SQL identifier quoting.
import { MigrationError } from './migration-error';

export interface ParsedDatabaseUrl {
  database: string;
  schema: string;
}

export function parseDatabaseUrl(databaseUrl: string): ParsedDatabaseUrl {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new MigrationError('INVALID_DATABASE_URL', 'DATABASE_URL is not a valid URL.');
  }
  if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
    throw new MigrationError(
      'INVALID_DATABASE_URL',
      `DATABASE_URL must be a postgresql:// URL, not ${url.protocol}//.`,
    );
  }
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database) throw new MigrationError('INVALID_DATABASE_URL', 'DATABASE_URL names no database.');
  return { database, schema: url.searchParams.get('schema') || 'public' };
}

/** The same server URL with another database name. */
export function withDatabase(databaseUrl: string, database: string): string {
  const url = new URL(databaseUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
