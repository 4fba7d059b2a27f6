import { createReadStream, createWriteStream, existsSync, readdirSync } from 'node:fs';
import { mkdir, readdir, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, request, type Server } from 'node:http';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { readZip, zipStream } from '../../core/archive/zip.js';
import type { Config } from '../../core/config/config.js';
import type { DatabaseHandle } from '../../core/db/database.js';
import { openPgliteDatabase } from '../../core/db/pglite/pglite-database.js';
import type { Logger } from '../../core/log/logger.js';

/**
 * Backups of the embedded mode: one zip holding `manifest.json`, `database.tar.gz` (PGlite's data
 * folder, taken between transactions after a checkpoint) and `data/...`, every other file of
 * DATA_DIR — the attachment store, the generated secret key (without it sealed channel secrets
 * cannot be read), WeChat sessions. A running process is asked for it over a socket in DATA_DIR
 * (PGlite is one process's engine: a second opener would damage it); without one the CLI opens the
 * database itself. The scaled mode uses PostgreSQL's own tools: docs/operations.md.
 */
const FORMAT = 'switchboard-backup';
const VERSION = 1;
const DATABASE_ENTRY = 'database.tar.gz';

export const controlSocket = (config: Config) => join(config.dataDir, 'control.sock');

export class BackupError extends Error {}

function embeddedDir(config: Config): string {
  if (config.database.kind !== 'pglite') {
    throw new BackupError('switchboard backup and restore are for the embedded database; with DATABASE_URL use pg_dump and pg_restore (docs/operations.md)');
  }
  return config.database.dir;
}

/** Writes a backup of the open embedded database and DATA_DIR's files to `file` (written aside, then renamed). */
export async function writeBackup(config: Config, database: DatabaseHandle, file: string): Promise<{ bytes: number; files: number }> {
  const dbDir = embeddedDir(config);
  if (!database.snapshot) throw new BackupError('this database cannot take a snapshot');
  const image = await database.snapshot();
  const skip = new Set([resolve(dbDir), resolve(controlSocket(config)), resolve(file), resolve(`${file}.part`)]);
  const files = listFiles(config.dataDir, skip);
  await mkdir(dirname(file), { recursive: true });
  const manifest = { format: FORMAT, version: VERSION, createdAt: new Date().toISOString(), databaseBytes: image.length, files: files.length };
  const zip = zipStream(async (entries) => {
    await entries.text('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
    await entries.bytes(DATABASE_ENTRY, image, { compress: false });
    for (const path of files) await entries.file(`data/${relative(config.dataDir, path).split(sep).join('/')}`, path);
  });
  const out = createWriteStream(`${file}.part`, { mode: 0o600 });
  let bytes = 0;
  zip.on('data', (chunk: Buffer) => void (bytes += chunk.length));
  await pipeline(zip, out);
  await rename(`${file}.part`, file);
  return { bytes, files: files.length };
}

function listFiles(root: string, skip: ReadonlySet<string>): string[] {
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = resolve(root, entry.name);
    if (skip.has(path) || entry.name.endsWith('.part')) continue;
    if (entry.isDirectory()) found.push(...listFiles(path, skip));
    else if (entry.isFile()) found.push(path);
  }
  return found;
}

/**
 * Lets `switchboard backup` reach a running embedded process: a socket in DATA_DIR (only who may
 * read DATA_DIR may use it) that writes a backup where it is told. Not started on PostgreSQL.
 */
export async function serveBackups(config: Config, database: DatabaseHandle, logger: Logger): Promise<{ stop(): Promise<void> } | undefined> {
  if (config.database.kind !== 'pglite' || !database.snapshot) return undefined;
  const path = controlSocket(config);
  if (await alive(path)) {
    logger.warn({ dataDir: config.dataDir }, 'another switchboard process serves this data folder');
    return undefined;
  }
  await unlink(path).catch(() => {});
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body.length < 8192 ? (body += chunk) : req.destroy()));
    req.on('end', () => {
      const answer = (status: number, value: unknown) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
      let file: unknown;
      try {
        file = (JSON.parse(body) as { file?: unknown }).file;
      } catch {
        file = undefined;
      }
      if (req.method !== 'POST' || req.url !== '/backup' || typeof file !== 'string' || !file.startsWith('/'))
        return answer(400, { error: 'POST /backup {"file": "/absolute/path"}' });
      writeBackup(config, database, file).then(
        (written) => {
          logger.info({ file, ...written }, 'backup written');
          answer(200, written);
        },
        (error: unknown) => {
          logger.error({ err: String(error) }, 'backup failed');
          answer(500, { error: error instanceof Error ? error.message : String(error) });
        },
      );
    });
  });
  try {
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(path, () => ok());
    });
  } catch (error) {
    // A DATA_DIR path too long for a socket: backups then need the process stopped.
    logger.warn({ err: String(error), path }, 'backup socket not available');
    return undefined;
  }
  return {
    stop: async () => {
      await new Promise<void>((ok) => server.close(() => ok()));
      await unlink(path).catch(() => {});
    },
  };
}

/** Whether a process answers on the socket. */
function alive(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((ok) => {
    const req = request({ socketPath: path, method: 'GET', path: '/' }, (res) => {
      res.resume();
      ok(true);
    });
    req.on('error', () => ok(false));
    req.end();
  });
}

/** `switchboard backup <file>`: through the running process when there is one, else directly. */
export async function backupCommand(config: Config, file: string): Promise<{ bytes: number; files: number; via: 'running' | 'direct' }> {
  const dbDir = embeddedDir(config);
  const target = resolve(file);
  const socket = controlSocket(config);
  if (await alive(socket)) {
    const answer = await new Promise<{ status: number; body: string }>((ok, fail) => {
      const req = request({ socketPath: socket, method: 'POST', path: '/backup', headers: { 'content-type': 'application/json' } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => ok({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', fail);
      req.end(JSON.stringify({ file: target }));
    });
    const parsed = JSON.parse(answer.body) as { bytes: number; files: number; error?: string };
    if (answer.status !== 200) throw new BackupError(`the running process could not write the backup: ${parsed.error ?? answer.status}`);
    return { ...parsed, via: 'running' };
  }
  if (!existsSync(join(dbDir, 'PG_VERSION'))) throw new BackupError(`no embedded database in ${dbDir}`);
  const database = await openPgliteDatabase(dbDir);
  try {
    return { ...(await writeBackup(config, database, target)), via: 'direct' };
  } finally {
    await database.close();
  }
}

/**
 * `switchboard restore <file>`: into a data folder with no database yet (a fresh DATA_DIR, or
 * one whose `pglite` folder was moved away), with no process running on it. Files of the backup
 * replace those of the same name (the generated secret key among them).
 */
export async function restoreCommand(config: Config, file: string): Promise<{ files: number }> {
  const dbDir = embeddedDir(config);
  if (await alive(controlSocket(config))) throw new BackupError('a switchboard process runs on this data folder: stop it first');
  if (existsSync(dbDir) && (await readdir(dbDir)).length > 0) {
    throw new BackupError(`${dbDir} already holds a database: restore into a fresh DATA_DIR, or move that folder away first`);
  }
  const root = resolve(config.dataDir);
  let image: Uint8Array | undefined;
  let manifest: { format?: string; version?: number } | undefined;
  const written: string[] = [];
  await readZip(createReadStream(resolve(file)), async (name, bytes) => {
    if (name === 'manifest.json') manifest = JSON.parse(Buffer.from(bytes).toString('utf8'));
    else if (name === DATABASE_ENTRY) image = bytes;
    else if (name.startsWith('data/')) {
      const path = resolve(root, name.slice('data/'.length));
      if (!path.startsWith(root + sep)) throw new BackupError(`the backup names a file outside the data folder: ${name}`);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, bytes, { mode: name === 'data/secret.key' ? 0o600 : 0o644 });
      written.push(path);
    }
  });
  if (manifest?.format !== FORMAT || !image) throw new BackupError(`${file} is not a switchboard backup`);
  if ((manifest.version ?? 0) > VERSION) throw new BackupError(`${file} was written by a newer switchboard (backup format ${manifest.version})`);
  try {
    const database = await openPgliteDatabase(dbDir, { restoreFrom: image });
    await database.close();
  } catch (error) {
    await rm(dbDir, { recursive: true, force: true });
    throw error;
  }
  return { files: written.length };
}
