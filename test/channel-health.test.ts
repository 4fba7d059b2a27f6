import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../core/bus/bus.js';
import { queueReply } from '../core/conversations/reply.js';
import { outboundQueueName } from '../core/domain/messages.js';
import { startOutboundWorkers } from '../core/connector/outbound-worker.js';
import { startPullLoops } from '../core/connector/pull.js';
import email from '../connectors/email/connector.js';
import { testDeps } from './support/connectors.js';
import { signUp, startTestConsole, type ApiClient, type TestConsole } from './support/console.js';
import { buildCompany } from './support/console-world.js';
import { dovecotAvailable, startDovecot, type Dovecot } from './support/dovecot.js';
import { startSmtpServer } from './support/smtp.js';
import { busFactories, deleteQueues, eventually } from './support/services.js';

const MAILBOX = 'support@acme.test';
const IMAP_PASSWORD = 'imap-Secret-4471';
const SMTP_PASSWORD = 'smtp-Secret-9182';

/** A loopback port nobody listens on: connecting to it is refused at once. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const bus = busFactories.find((f) => f.name === 'rabbitmq' && f.available) ?? busFactories[0]!;

/** Issue 27, defect 5: a channel whose mailbox or sends fail says so in the channels list. */
describe.skipIf(!dovecotAvailable)('channel health and testing settings before saving', () => {
  let tc: TestConsole;
  let admin: ApiClient;
  let tenantId: string;
  let dovecot: Dovecot;
  let realBus: Bus;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  const settings = (imapPort: number, smtpPort: number) => ({
    fromAddress: MAILBOX,
    imapHost: '127.0.0.1',
    imapPort,
    imapSecurity: 'none',
    imapUser: MAILBOX,
    imapPassword: IMAP_PASSWORD,
    smtpHost: '127.0.0.1',
    smtpPort,
    smtpSecurity: 'none',
    smtpUser: MAILBOX,
    smtpPassword: SMTP_PASSWORD,
  });
  const listed = async (id: string) => ((await admin.get('/api/channels')).body.channels as { id: string; health: any }[]).find((c) => c.id === id)!;
  const deps = () => testDeps(tc.ctx.database.db, realBus, [email], { secretKey: tc.ctx.config.secretKey, retry: { attempts: 3, baseDelayMs: 200 } });

  beforeAll(async () => {
    realBus = await bus.open();
    [tc, dovecot, smtp] = await Promise.all([
      startTestConsole({ bus: realBus }),
      startDovecot({ users: { [MAILBOX]: IMAP_PASSWORD } }),
      startSmtpServer({ credentials: { user: MAILBOX, pass: SMTP_PASSWORD } }),
    ]);
    ({ admin, tenantId } = await signUp(tc, 'acme-health'));
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
    await realBus?.close();
    await deleteQueues([outboundQueueName('email')]);
    await smtp?.close();
    await dovecot?.stop();
  });

  it('shows a mailbox that cannot be reached as an error with its reason and time, and healthy again after a good setting', async () => {
    const created = await admin.post('/api/channels', { type: 'email', name: 'Support mailbox', config: settings(await closedPort(), smtp.port) });
    expect(created.status).toBe(201);
    const id = created.body.channel.id as string;
    expect((await listed(id)).health).toBeNull();

    const before = Date.now();
    const loops = startPullLoops(deps(), { exclusive: false, rescanMs: 200, holder: 'test' });
    try {
      const failing = await eventually(async () => (await listed(id)).health?.status === 'error' && (await listed(id)).health);
      expect(failing.error).toMatch(/^IMAP: could not connect to 127\.0\.0\.1:\d+/);
      expect(failing.error).not.toContain(IMAP_PASSWORD);
      expect(failing.error).not.toMatch(/\n\s+at /);
      expect(Date.parse(failing.errorAt)).toBeGreaterThanOrEqual(before - 1000);
      // The list updates live: the change is an event for those who manage channels.
      const events = await tc.ctx.database.db.selectFrom('outbox').select('payload').where('kind', '=', 'channel.health').execute();
      expect(events.map((e) => (e.payload as { channelId: string; health: { status: string } }).health.status)).toContain('error');

      const fixed = await admin.patch(`/api/channels/${id}`, { config: { imapPort: dovecot.port, imapPassword: IMAP_PASSWORD } });
      expect(fixed.status).toBe(200);
      const healthy = await eventually(async () => (await listed(id)).health?.status === 'ok' && (await listed(id)).health, { timeoutMs: 15_000 });
      expect(healthy.error).toBeNull();
    } finally {
      await loops.stop();
    }
  }, 40_000);

  it('marks a channel whose reply cannot be sent as failing, without a database write per good send', async () => {
    const created = await admin.post('/api/channels', { type: 'email', name: 'Sales mailbox', config: settings(dovecot.port, await closedPort()) });
    const channelId = created.body.channel.id as string;
    const db = tc.ctx.database.db;
    const contact = await db.insertInto('contacts').values({ tenant_id: tenantId, name: 'Li Lei' }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('contact_identities')
      .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: channelId, external_id: 'li.lei@example.com' })
      .execute();
    const conversation = await db
      .insertInto('conversations')
      .values({ tenant_id: tenantId, channel_id: channelId, contact_id: contact.id, group_id: null, assignee_id: null, subject: 'Order 1001' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const workers = await startOutboundWorkers(deps(), { poke: () => tc.ctx.relay.poke() });
    try {
      await queueReply(db, {
        tenantId,
        conversationId: conversation.id,
        sender: { type: 'agent', id: null },
        parts: [{ type: 'text', text: 'Your order is on its way' }],
      });
      tc.ctx.relay.poke();
      const failing = await eventually(async () => (await listed(channelId)).health?.status === 'error' && (await listed(channelId)).health);
      expect(failing.source).toBe('send');
      expect(failing.error).toMatch(/SMTP/);
      expect(failing.error).not.toContain(SMTP_PASSWORD);

      // The SMTP server is right again: the next send makes the channel healthy.
      expect((await admin.patch(`/api/channels/${channelId}`, { config: { smtpPort: smtp.port, smtpPassword: SMTP_PASSWORD } })).status).toBe(200);
      await queueReply(db, {
        tenantId,
        conversationId: conversation.id,
        sender: { type: 'agent', id: null },
        parts: [{ type: 'text', text: 'Tracking number 42' }],
      });
      tc.ctx.relay.poke();
      await eventually(async () => (await listed(channelId)).health?.status === 'ok', { timeoutMs: 15_000 });
      const written = (await db.selectFrom('channel_health').select('updated_at').where('channel_id', '=', channelId).executeTakeFirstOrThrow()).updated_at;
      await queueReply(db, {
        tenantId,
        conversationId: conversation.id,
        sender: { type: 'agent', id: null },
        parts: [{ type: 'text', text: 'Anything else?' }],
      });
      tc.ctx.relay.poke();
      await eventually(() => smtp.mails.some((m) => m.text?.includes('Anything else?')));
      expect((await db.selectFrom('channel_health').select('updated_at').where('channel_id', '=', channelId).executeTakeFirstOrThrow()).updated_at).toEqual(
        written,
      );
    } finally {
      await workers.stop();
    }
  }, 40_000);

  it('tests settings before they are saved: a bad host answers in words, and nothing is stored', async () => {
    const count = async () =>
      Number(
        (
          await tc.ctx.database.db
            .selectFrom('channels')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const channelsBefore = await count();
    const bad = await admin.post('/api/channels/test', { type: 'email', config: { ...settings(await closedPort(), await closedPort()) } });
    expect(bad.status).toBe(200);
    expect(bad.body.ok).toBe(false);
    const imap = bad.body.checks.find((c: { name: string }) => c.name === 'IMAP');
    expect(imap.detail).toMatch(/^IMAP: could not connect to 127\.0\.0\.1:\d+ \(check the host, the port and the security setting\)$/);
    expect(JSON.stringify(bad.body)).not.toContain(IMAP_PASSWORD);

    const good = await admin.post('/api/channels/test', { type: 'email', config: settings(dovecot.port, smtp.port) });
    expect(good.body).toMatchObject({ ok: true });
    expect(await count()).toBe(channelsBefore);
  });

  it('names a missing setting by its label', async () => {
    const { imapPassword: _left, ...withoutPassword } = settings(dovecot.port, smtp.port);
    for (const path of ['/api/channels/test', '/api/channels']) {
      const answer = await admin.post(path, { type: 'email', name: 'No password', config: withoutPassword });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe('IMAP password is required');
      expect(answer.body.issues[0]).toMatchObject({ field: 'config.imapPassword', problem: 'required', label: { en: 'IMAP password', zh: 'IMAP 密码' } });
    }
  });

  it('lets only those who manage channels test settings', async () => {
    const company = await buildCompany(tc, 'acme-perm');
    const agent = company.clients.supervisor;
    const answer = await agent.post('/api/channels/test', { type: 'email', config: settings(dovecot.port, smtp.port) });
    expect(answer.status).toBe(403);
    expect((await company.clients.admin.post('/api/channels/test', { type: 'email', config: settings(dovecot.port, smtp.port) })).body.ok).toBe(true);
  });
});
