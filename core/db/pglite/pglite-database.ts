import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { pingDatabase, type DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';

const INT8 = 20;

/**
 * The embedded engine: PostgreSQL compiled to WASM, on disk under `dir`. One connection, so
 * transactions run one at a time; code must never use the outer handle inside a transaction.
 * Pass `memory://` for a throw-away database.
 */
export async function openPgliteDatabase(dir: string): Promise<DatabaseHandle> {
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  // pg_trgm: contact search (see migrations/0012_crm.ts).
  // int8 as string, as node-postgres returns it: ids and counters may exceed 2^53.
  const engine = await PGlite.create(dir, { parsers: { [INT8]: (value: string) => value }, extensions: { pg_trgm } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(engine) });
  return {
    db,
    kind: 'pglite',
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
  };
}
