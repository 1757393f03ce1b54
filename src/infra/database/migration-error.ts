// The error a migrator raises for anything that needs a human, with a stable code for scripts and tests.

export type MigrationErrorCode =
  | 'INVALID_MIGRATIONS_DIRECTORY'
  | 'PROVIDER_MISMATCH'
  | 'LOCK_TIMEOUT'
  | 'SCHEMA_NOT_EMPTY'
  | 'FAILED_MIGRATION_RECORDED'
  | 'CHECKSUM_MISMATCH'
  | 'MIGRATION_FAILED'
  | 'INVALID_DATABASE_URL';

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
