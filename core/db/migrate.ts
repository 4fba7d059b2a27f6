import { Migrator, NO_MIGRATIONS, type MigrationResultSet, type MigrationInfo } from 'kysely';
import { migrations } from '../../migrations/index.js';
import type { Db } from './database.js';

/**
 * Kysely's migrator takes a PostgreSQL advisory lock for the whole run, so processes that start
 * at the same moment apply each migration exactly once.
 */
function migrator(db: Db): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

export class MigrationError extends Error {
  constructor(readonly results: MigrationResultSet) {
    const failed = results.results?.find((r) => r.status === 'Error');
    super(`migration ${failed?.migrationName ?? '(unknown)'} failed: ${String((results.error as Error)?.message ?? results.error)}`);
    this.name = 'MigrationError';
  }
}

function check(results: MigrationResultSet): string[] {
  if (results.error) throw new MigrationError(results);
  return (results.results ?? []).map((r) => `${r.direction === 'Up' ? 'applied' : 'reverted'} ${r.migrationName}`);
}

export async function migrateUp(db: Db): Promise<string[]> {
  return check(await migrator(db).migrateToLatest());
}

/** Reverts the newest applied migration. */
export async function migrateDown(db: Db): Promise<string[]> {
  return check(await migrator(db).migrateDown());
}

/** Reverts every migration. */
export async function migrateReset(db: Db): Promise<string[]> {
  return check(await migrator(db).migrateTo(NO_MIGRATIONS));
}

export async function migrationStatus(db: Db): Promise<readonly MigrationInfo[]> {
  return migrator(db).getMigrations();
}
