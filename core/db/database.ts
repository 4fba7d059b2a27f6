import { type Kysely, type Transaction, sql } from 'kysely';
import type { Config } from '../config/config.js';
import type { Database } from './schema.js';

export type { Database } from './schema.js';
export type Db = Kysely<Database>;

/** An open database, whichever engine carries it. */
export interface DatabaseHandle {
  db: Db;
  /** `pg` (a pool on PostgreSQL) or `pglite` (embedded, one connection, on disk). */
  kind: 'pg' | 'pglite';
  /** true when a query reaches the engine. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /**
   * The embedded engine only: its data folder as a gzipped tarball, taken between transactions
   * after a checkpoint, so it opens as it was at that moment (see console/cli/backup.ts).
   */
  snapshot?(): Promise<Uint8Array>;
}

/** Opens the database the configuration names: a pg pool with DATABASE_URL, PGlite otherwise. */
export async function openDatabase(database: Config['database']): Promise<DatabaseHandle> {
  if (database.kind === 'pg') {
    const { openPgDatabase } = await import('./pg/pg-database.js');
    return openPgDatabase(database.url, database.poolSize);
  }
  const { openPgliteDatabase } = await import('./pglite/pglite-database.js');
  return openPgliteDatabase(database.dir);
}

export async function pingDatabase(db: Db): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/**
 * Runs `work` in the caller's transaction when `db` is one already, in a new transaction
 * otherwise: a function can then be part of a larger unit of work or stand on its own.
 */
export function withTransaction<T>(db: Db, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? work(db as Transaction<Database>) : db.transaction().execute(work);
}
