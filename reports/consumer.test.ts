import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../core/bus/bus.js';
import type { Db } from '../core/db/database.js';
import { openPgDatabase } from '../core/db/pg/pg-database.js';
import { MemoryBus } from '../core/bus/memory/memory-bus.js';
import { eventRoutingKey } from '../core/outbox/outbox.js';
import { testJobRunner } from '../test/support/jobs.js';
import { DATABASE_URL, eventually, freshDatabase } from '../test/support/services.js';
import { REPORTS_QUEUE, ReportsConsumer } from './consumer.js';
import { runReport } from './queries/reports.js';
import { rebuildReports } from './rollup/refresh.js';

/**
 * What a message costs the reports: the consumer adds the rows written since its last refresh
 * instead of recounting the hour they fall in, so a message in a busy hour costs what one in a
 * quiet hour does, and each is counted once however often its event comes.
 */
describe.skipIf(!DATABASE_URL)('the reports consumer', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let one: ReturnType<typeof openPgDatabase>;
  let db: Db;
  let consumer: ReportsConsumer;
  let tenantId: string;
  let conversationId: string;
  let channelId: string;

  beforeAll(async () => {
    database = await freshDatabase('pg');
    // One connection for everything, so that its statistics can be flushed on demand.
    one = openPgDatabase(database.url!, 1);
    db = one.db;
    consumer = new ReportsConsumer({ db, bus: {} as Bus, logger: pino({ level: 'silent' }) }, { flushMs: 1 });
    tenantId = (
      await db
        .insertInto('tenants')
        .values({ slug: `rc-${randomUUID().slice(0, 6)}`, name: 'Reports' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    channelId = (await db.insertInto('channels').values({ tenant_id: tenantId, type: 'web', name: 'Site' }).returning('id').executeTakeFirstOrThrow()).id;
    const contact = await db.insertInto('contacts').values({ tenant_id: tenantId, name: 'Pat' }).returning('id').executeTakeFirstOrThrow();
    conversationId = (
      await db
        .insertInto('conversations')
        .values({ tenant_id: tenantId, channel_id: channelId, contact_id: contact.id, status: 'open', thread_key: 't' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await one?.close();
    await database?.drop();
  });

  const event = (kind = 'message.created') => consumer.handle({ id: randomUUID(), tenantId, kind, payload: {}, at: new Date().toISOString() });
  const customerMessages = (n: number) =>
    sql`INSERT INTO messages (tenant_id, conversation_id, channel_id, direction, sender_type, content)
        SELECT ${tenantId}, ${conversationId}, ${channelId}, 'in', 'contact', '[]' FROM generate_series(1, ${n})`.execute(db);
  /** Rows PostgreSQL read from messages and the report tables so far (this connection's statistics flushed first). */
  const rowsRead = async () => {
    await sql`SELECT pg_stat_force_next_flush()`.execute(db);
    const { rows } = await sql<{ n: string }>`
      SELECT coalesce(sum(seq_tup_read + coalesce(idx_tup_fetch, 0)), 0) AS n FROM pg_stat_user_tables
       WHERE relname = 'messages' OR relname LIKE 'report%'`.execute(db);
    return Number(rows[0]!.n);
  };
  const messagesIn = async () => {
    const now = Date.now();
    const report = (await runReport(db, 'overview', { tenantId, from: new Date(now - 7_200_000), to: new Date(now + 7_200_000), timeZone: 'UTC' })) as {
      totals: { messagesIn: number };
    };
    return report.totals.messagesIn;
  };

  it('adds ten messages to an hour of 3,000 reading a few dozen rows, not the hour', async () => {
    await customerMessages(3000);
    await event();
    expect(await messagesIn()).toBe(3000);

    const before = await rowsRead();
    await customerMessages(10);
    await Promise.all(Array.from({ length: 10 }, () => event()));
    const read = (await rowsRead()) - before;
    expect(await messagesIn()).toBe(3010);
    expect(read, `rows read: ${read}`).toBeLessThan(60);
  });

  it('counts a message once however often its event comes, and its conversation once', async () => {
    await customerMessages(1);
    for (let i = 0; i < 3; i++) await event();
    await event('conversation.updated');
    expect(await messagesIn()).toBe(3011);
    const created = await db
      .withTables<{ report_conversations_totals: { tenant_id: string; created: string } }>()
      .selectFrom('report_conversations_totals')
      .select(sql<number>`sum(created)::int`.as('created'))
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(created.created).toBe(1);
  });

  it('adds a transaction that was still running when later ones were added, once, without waiting for it', async () => {
    const other = new pg.Client({ connectionString: database.url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(
        `INSERT INTO messages (tenant_id, conversation_id, channel_id, direction, sender_type, content) VALUES ($1, $2, $3, 'in', 'contact', '[]')`,
        [tenantId, conversationId, channelId],
      );
      // A later transaction commits and is added while the older one is still open.
      await customerMessages(1);
      await event();
      expect(await messagesIn()).toBe(3012);
      await other.query('COMMIT');
      await event();
      expect(await messagesIn()).toBe(3013);
      await event();
      expect(await messagesIn()).toBe(3013);
    } finally {
      await other.end();
    }
    await rebuildReports(db, { tenantId });
    expect(await messagesIn()).toBe(3013);
  });

  it('takes no event for messages and conversation changes, yet adds their rows within a look at the marks', async () => {
    const bus = new MemoryBus();
    // An earlier version bound the queue to them as well.
    await bus.declareQueue({ name: REPORTS_QUEUE, bindings: [{ exchange: 'events', pattern: '*.message.created' }] });
    const running = new ReportsConsumer({ db, bus, logger: pino({ level: 'silent' }) }, { flushMs: 1, pollMs: 20 });
    await running.start();
    // The look at the marks is the job runner's, as in a process.
    const jobs = testJobRunner(db, { pollMs: 20 }).every(running.incrementsTask());
    jobs.start();
    try {
      const before = await messagesIn();
      await customerMessages(2);
      await eventually(async () => (await messagesIn()) === before + 2);
    } finally {
      await jobs.stop();
      await running.stop();
    }
    // Stopped, its queue keeps what is published: only the kinds whose hours are recomputed.
    for (const kind of ['message.created', 'conversation.assigned', 'agent.status'])
      await bus.publish('events', eventRoutingKey(tenantId, kind), { id: kind, tenantId, kind, payload: {}, at: new Date().toISOString() });
    expect(await bus.depth(REPORTS_QUEUE)).toBe(1);
    await bus.close();
  });
});
