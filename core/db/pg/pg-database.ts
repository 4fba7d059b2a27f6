import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pingDatabase, type DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';

export function openPgDatabase(url: string, poolSize: number): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A broken idle connection must not take the process down; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pg',
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
  };
}
