import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/config.js';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { createChannel } from '../../core/connector/channels.js';
import { openPgDatabase } from '../../core/db/pg/pg-database.js';
import type { DatabaseHandle } from '../../core/db/database.js';
import email from '../../connectors/email/connector.js';
import { LOOPBACK_ALLOW, testDeps } from '../support/connectors.js';
import { dovecotAvailable, startDovecot, type Dovecot } from '../support/dovecot.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { migrateUp } from '../../core/db/migrate.js';
import { allMigrations } from '../../app/migrations.js';

// With AMQP_URL set the test runs on RabbitMQ and fails if it is down; without it, on the in-process bus.
const broker = Boolean(AMQP_URL);
const USER = 'backlog@example.test';
const TOTAL = 2000;

/**
 * A process running the mailbox loop and the router is killed with SIGKILL in the middle of a
 * 2,000-mail backlog; another one starts from the saved cursor. Every mail must be stored
 * exactly once: none skipped (the cursor moved only past confirmed — with the in-process bus,
 * committed — mail), none twice (the dedupe key). On RabbitMQ when it answers, else on the
 * in-process bus.
 */
describe.skipIf(!DATABASE_URL || !dovecotAvailable)(`e-mail backlog through a SIGKILL (${broker ? 'RabbitMQ' : 'in-process bus'})`, () => {
  let dovecot: Dovecot;
  let database: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let handle: DatabaseHandle;
  let child: ChildProcess | undefined;
  let output = '';
  let env: Record<string, string>;

  const start = async () => {
    output = '';
    const started = spawn(process.execPath, ['--import', 'tsx', 'test/support/email-gateway-child.ts'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    started.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    started.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await eventually(() => (output.includes('ready') ? true : undefined), { timeoutMs: 60_000 });
    child = started;
  };
  const kill = async (signal: NodeJS.Signals) => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    running.kill(signal);
    await exited;
    child = undefined;
  };

  beforeAll(async () => {
    dovecot = await startDovecot({ users: { [USER]: 'backlog-pass' } });
    dovecot.fillMaildir(
      USER,
      (function* () {
        for (let n = 1; n <= TOTAL; n++) {
          // Every 10th mail has no Message-ID: its dedupe key is the hash of its bytes.
          const id = n % 10 === 0 ? '' : `Message-ID: <backlog-${n}@example.org>\r\n`;
          yield `From: sender${n % 50}@example.org\r\nTo: ${USER}\r\nSubject: backlog ${n}\r\n${id}Date: Tue, 24 Nov 2026 12:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nmail number ${n}\r\n`;
        }
      })(),
    );
    database = await emptyPgDatabase();
    env = {
      PORT: '0',
      HOST: '127.0.0.1',
      // Dovecot listens on loopback.
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATABASE_URL: database.url,
      ...(broker ? { AMQP_URL: AMQP_URL!, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : { AMQP_URL: '' }),
      SECRET_KEY: 'ab'.repeat(32),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-email-crash-')),
      LOG_LEVEL: 'info',
      CHILD_ROLES: 'gateway,router',
    };
    handle = openPgDatabase(database.url, 2);
    await migrateUp(handle.db, allMigrations);
  }, 120_000);

  afterAll(async () => {
    await kill('SIGTERM').catch(() => {});
    await handle?.close();
    await dovecot?.stop();
    await database?.drop();
  }, 60_000);

  it('stores every mail exactly once when the process is killed in the middle', async () => {
    const db = handle.db;
    const tenant = await db.insertInto('tenants').values({ slug: 'crash', name: 'Crash' }).returning('id').executeTakeFirstOrThrow();
    const deps = testDeps(db, new MemoryBus(), [email], { secretKey: loadConfig({ SECRET_KEY: env.SECRET_KEY!, DATABASE_URL: database.url }).secretKey });
    const { channel } = await createChannel(deps, tenant.id, {
      type: 'email',
      name: 'Backlog',
      config: {
        fromAddress: USER,
        imapHost: dovecot.host,
        imapPort: dovecot.port,
        imapSecurity: 'none',
        imapUser: USER,
        imapPassword: 'backlog-pass',
        smtpHost: '127.0.0.1',
        maxMailsPerSenderPerHour: 5000,
      },
    });
    const count = async () =>
      Number(
        (
          await db
            .selectFrom('messages')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('channel_id', '=', channel.id)
            .executeTakeFirstOrThrow()
        ).n,
      );

    await start();
    await eventually(async () => ((await count()) >= 300 ? true : undefined), { timeoutMs: 120_000, intervalMs: 20 });
    await kill('SIGKILL');
    const atKill = await count();
    expect(atKill, output).toBeLessThan(TOTAL);

    await start();
    await eventually(async () => ((await count()) >= TOTAL ? true : undefined), { timeoutMs: 300_000, intervalMs: 250 });
    await new Promise((r) => setTimeout(r, 1000));
    const rows = await db.selectFrom('messages').select(['external_id', 'content']).where('channel_id', '=', channel.id).execute();
    expect(rows).toHaveLength(TOTAL);
    const numbers = new Set(rows.map((r) => /mail number (\d+)/.exec(JSON.stringify(r.content))?.[1]));
    expect(numbers.size).toBe(TOTAL);
    const cursor = await eventually(async () => {
      const row = await db.selectFrom('pull_cursors').select('cursor').where('channel_id', '=', channel.id).executeTakeFirstOrThrow();
      return row.cursor.lastUid === TOTAL ? row : undefined;
    });
    expect(cursor!.cursor.lastUid).toBe(TOTAL);
  }, 480_000);
});
