import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pingDatabase, type DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';

export function openPgDatabase(url: string, poolSize: number): DatabaseHandle {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A broken idle connection must not take the process down; the pool replaces it.
  pool.on('error', () => {});
  // Nor one that breaks while checked out (a database restart mid-transaction): the pool takes
  // its idle listener off a client it lends, so without this the client's 'error' event would
  // be uncaught and end the process. The query in flight fails on its own; the pool drops the
  // client when it comes back unqueryable.
  pool.on('connect', (client) => {
    client.on('error', () => {});
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pg',
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
  };
}
