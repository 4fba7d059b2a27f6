import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../core/attachments/store.js';
import { loadConfig } from '../core/config/config.js';
import { createLogger } from '../core/log/logger.js';
import { processInbound } from '../router/pipeline/process-batch.js';
import { inboundPipeline } from '../app/pipeline.js';
import { restoreCommand } from '../console/cli/backup.js';
import { startProcess, type RunningProcess } from '../app/start.js';
import { ApiClient, signUp, type TestConsole } from './support/console.js';

/** The `switchboard` command on the sources, as an operator runs it next to a running server. */
function switchboard(args: string[], dataDir: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['console/cli/dev.mjs', ...args], {
    env: { PATH: process.env.PATH ?? '', DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, output })));
}

/** A client of a process listening on a port, shaped as the in-process test clients. */
function remote(url: string): Pick<TestConsole, 'app' | 'client'> {
  const app = { request: (path: string, init?: RequestInit) => fetch(`${url}${path}`, init) } as unknown as Hono;
  return { app, client: (slug?: string) => new ApiClient(app, slug, 'header') };
}

const start = (dataDir: string) =>
  startProcess(loadConfig({ DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', SIGNUP: 'open' }), ['gateway', 'router', 'console'], createLogger('warn'));

describe('switchboard backup and restore (embedded mode)', () => {
  const running: RunningProcess[] = [];
  afterAll(async () => {
    for (const p of running) await p.stop();
  });

  it('backs up a running embedded instance and a fresh data folder restored from it serves the same conversations and files', async () => {
    const original = mkdtempSync(join(tmpdir(), 'sb-bk-'));
    const first = await start(original);
    running.push(first);
    const { admin, tenantId, email, password } = await signUp(remote(first.url) as TestConsole, 'keep');
    const db = first.ctx.database.db;
    const channelId = (
      await db.insertInto('channels').values({ tenant_id: tenantId, type: 'web', name: 'Site chat' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const file = await new AttachmentStore(db, original).put(tenantId, channelId, {
      owner: 'v:li',
      name: 'photo.png',
      bytes: readFileSync('connectors/web/fixtures/pixel.png'),
    });
    await db.transaction().execute((trx) =>
      processInbound(
        trx,
        [
          {
            version: 1,
            tenantId,
            channelId,
            channelType: 'web',
            receivedAt: new Date().toISOString(),
            message: {
              externalId: randomUUID(),
              sender: { externalId: 'v:li', displayName: '李雷' },
              parts: [
                { type: 'text', text: '我的订单还没到' },
                { type: 'image', attachmentId: file.id, mimeType: file.mimeType },
              ],
            },
          },
        ],
        { pipeline: inboundPipeline },
      ),
    );
    const before = await admin.get('/api/conversations');
    expect(before.body.conversations).toHaveLength(1);

    const backupFile = join(mkdtempSync(join(tmpdir(), 'sb-bk-out-')), 'switchboard.backup');
    const backup = await switchboard(['backup', backupFile], original);
    expect(backup.output).toContain('taken by the running server');
    expect(backup.code).toBe(0);
    // Still serving while and after the backup was taken.
    expect((await admin.get('/api/conversations')).status).toBe(200);
    await first.stop();

    const fresh = mkdtempSync(join(tmpdir(), 'sb-bk-new-'));
    const restored = await switchboard(['restore', backupFile], fresh);
    expect(restored.output).toContain('restored');
    expect(restored.code).toBe(0);
    expect(readFileSync(join(fresh, 'secret.key'), 'utf8')).toBe(readFileSync(join(original, 'secret.key'), 'utf8'));
    // Restoring over a database is refused.
    await expect(restoreCommand(loadConfig({ DATA_DIR: fresh }), backupFile)).rejects.toThrow(/already holds a database/);

    const second = await start(fresh);
    running.push(second);
    const client = remote(second.url).client('keep');
    await client.signIn(email, password);
    const after = await client.get('/api/conversations');
    expect(after.body.conversations).toEqual(before.body.conversations);
    const id = after.body.conversations[0].id as string;
    const messages = (await client.get(`/api/conversations/${id}`)).body;
    expect(JSON.stringify(messages)).toContain('我的订单还没到');
    const image = await client.download(`/api/attachments/${file.id}`);
    expect(image.status).toBe(200);
    expect(image.bytes.equals(readFileSync('connectors/web/fixtures/pixel.png'))).toBe(true);
    expect(existsSync(join(fresh, 'control.sock'))).toBe(true);
  }, 240_000);
});
