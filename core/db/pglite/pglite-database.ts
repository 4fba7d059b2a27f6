import { execFile } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { Kysely, sql } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import { pingDatabase, type DatabaseHandle } from '../database.js';
import type { Database } from '../schema.js';

const INT8 = 20;

/**
 * The embedded install runs on small machines: PostgreSQL's default 128 MB of shared buffers live
 * in the engine's WASM memory, which never shrinks. 32 MB holds a small company's working set;
 * a bigger one runs PostgreSQL itself (DATABASE_URL). Measured on the start-up of a migrated
 * database: 423 MB of RSS with the default, 327 MB with 16 MB.
 */
const START_PARAMS = [...PGlite.defaultStartParams, '-c', 'shared_buffers=32MB'];

/**
 * A new data folder is made by initdb, which peaks near 800 MB and leaves most of it held by a
 * process that will not give it back. Run there, in a process of its own, it costs the server
 * nothing; the server then opens the folder as it would any morning.
 */
async function initInOwnProcess(dir: string): Promise<void> {
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `require(${JSON.stringify(entry)}).PGlite.create(${JSON.stringify(dir)}).then((e) => e.close()).catch((e) => { console.error(e); process.exit(1); });`;
  await promisify(execFile)(process.execPath, ['-e', script], { timeout: 300_000 });
}

/**
 * The embedded engine: PostgreSQL compiled to WASM, on disk under `dir`. One connection, so
 * transactions run one at a time; code must never use the outer handle inside a transaction.
 * Pass `memory://` for a throw-away database.
 */
export async function openPgliteDatabase(dir: string, options: { restoreFrom?: Uint8Array } = {}): Promise<DatabaseHandle> {
  if (!dir.startsWith('memory://')) {
    mkdirSync(dir, { recursive: true });
    if (!options.restoreFrom && !existsSync(join(dir, 'PG_VERSION'))) await initInOwnProcess(dir);
  }
  // pg_trgm: contact search (see migrations/0012_crm.ts).
  // int8 as string, as node-postgres returns it: ids and counters may exceed 2^53.
  const engine = await PGlite.create(dir, {
    parsers: { [INT8]: (value: string) => value },
    startParams: START_PARAMS,
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
