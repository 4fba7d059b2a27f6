import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { pingDatabase, type DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';

const INT8 = 20;

/**
 * The embedded engine: PostgreSQL compiled to WASM, on disk under `dir`. One connection, so
 * transactions run one at a time; code must never use the outer handle inside a transaction.
 * Pass `memory://` for a throw-away database.
 */
export async function openPgliteDatabase(dir: string, options: { restoreFrom?: Uint8Array } = {}): Promise<DatabaseHandle> {
  if (!dir.startsWith('memory://')) mkdirSync(dir, { recursive: true });
  // pg_trgm: contact search (see migrations/0012_crm.ts).
  // int8 as string, as node-postgres returns it: ids and counters may exceed 2^53.
  const engine = await PGlite.create(dir, {
    parsers: { [INT8]: (value: string) => value },
    extensions: { pg_trgm },
    // A backup's data folder, unpacked into an empty `dir` (console/cli/backup.ts).
    ...(options.restoreFrom ? { loadDataDir: new Blob([options.restoreFrom as Uint8Array<ArrayBuffer>]) } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(engine) });
  return {
    db,
    kind: 'pglite',
    ping: () => pingDatabase(db),
    close: () => db.destroy(),
    // The dialect hands out its one connection in turn: holding it, no transaction is half done.
    snapshot: () =>
      db.connection().execute(async (connection) => {
        await sql`CHECKPOINT`.execute(connection);
        const tarball = await engine.dumpDataDir('gzip');
        return new Uint8Array(await tarball.arrayBuffer());
      }),
  };
}
