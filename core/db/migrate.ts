import { Migrator, NO_MIGRATIONS, type Migration, type MigrationResultSet, type MigrationInfo } from 'kysely';
import type { Db } from './database.js';

/**
 * Every migration a process knows, by name. The kernel's and each feature module's lists are
 * merged by the composition root (app/migrations.ts); names sort in the order they run.
 */
export type Migrations = Readonly<Record<string, Migration>>;

/**
 * Kysely's migrator takes a PostgreSQL advisory lock for the whole run, so processes that start
 * at the same moment apply each migration exactly once.
 */
function migrator(db: Db, migrations: Migrations): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...migrations }) },
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

export async function migrateUp(db: Db, migrations: Migrations): Promise<string[]> {
  return check(await migrator(db, migrations).migrateToLatest());
}

/** Reverts the newest applied migration. */
export async function migrateDown(db: Db, migrations: Migrations): Promise<string[]> {
  return check(await migrator(db, migrations).migrateDown());
}

/** Reverts every migration. */
export async function migrateReset(db: Db, migrations: Migrations): Promise<string[]> {
  return check(await migrator(db, migrations).migrateTo(NO_MIGRATIONS));
}

export async function migrationStatus(db: Db, migrations: Migrations): Promise<readonly MigrationInfo[]> {
  return migrator(db, migrations).getMigrations();
}
