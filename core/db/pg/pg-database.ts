import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { pingDatabase, type DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';
import { keepingPlans } from './kept-plans.js';
import { MultiHostPool, parseDatabaseUrl } from './multi-host.js';

/**
 * A pool on PostgreSQL. A URL naming several hosts (`postgres://db1:5432,db2:5432/switchboard?
 * target_session_attrs=read-write`) gets a pool that follows the primary across a failover
 * (./multi-host.ts); one host, a plain node-postgres pool.
 */
export function openPgDatabase(url: string, poolSize: number): DatabaseHandle {
  const parsed = parseDatabaseUrl(url);
  const pool = parsed.urls.length > 1 || parsed.targetSessionAttrs !== 'any' ? new MultiHostPool({ ...parsed, max: poolSize }) : singleHostPool(url, poolSize);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'pg',
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
  };
}

function singleHostPool(url: string, poolSize: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // A broken idle connection must not take the process down; the pool replaces it.
  pool.on('error', () => {});
  // Nor one that breaks while checked out (a database restart mid-transaction): the pool takes
  // its idle listener off a client it lends, so without this the client's 'error' event would
  // be uncaught and end the process. The query in flight fails on its own; the pool drops the
  // client when it comes back unqueryable.
  pool.on('connect', (client) => {
    client.on('error', () => {});
    client.query = keepingPlans(client);
  });
  return pool;
}
