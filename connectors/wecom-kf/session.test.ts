import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import { contextFor } from '../../core/connector/channel-context.js';
import { createChannel } from '../../core/connector/channels.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { OutboundEnvelope } from '../../core/domain/messages.js';
import { FakeWecomApi } from '../../test/fakes/wecom-api.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { DATABASE_URL, freshDatabase } from '../../test/support/services.js';
import wecomKf from './connector.js';
import { serviceStateEvents } from './events.js';
import { OPEN_KFID } from './fixtures/index.js';

const account = {
  corpId: 'ww1436e0e65a779aee',
  secret: 'kf-secret-0123456789abcdef0123456789',
  token: 'kfToken2026',
  encodingAesKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
};

describe.skipIf(!DATABASE_URL)('WeCom customer service: session state and reply limits (95018, 95001)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let fake: FakeWecomApi;
  let bus: MemoryBus;
  let ctx: ReturnType<typeof contextFor>;
  let tenantId: string;
  let customers = 0;

  const reply = (customer: string, text = '您好') =>
    wecomKf.send(
      {
        version: 1,
        tenantId,
        channelId: ctx.channel.id,
        channelType: 'wecom-kf',
        messageId: String(Math.floor(Math.random() * 1e9)),
        conversationId: '00000000-0000-4000-8000-000000000001',
        recipient: { externalId: customer },
        threadKey: OPEN_KFID,
        parts: [{ type: 'text', text }],
      } satisfies OutboundEnvelope,
      ctx,
    );
  const refusal = (promise: Promise<unknown>) =>
    promise.then(
      () => undefined,
      (error: unknown) => error as ConnectorError,
    );
  const sentTo = (customer: string) => fake.sent.filter((s) => s.body.touser === customer).length;
  const newCustomer = () => `wmCustomer${String(++customers).padStart(20, '0')}`;

  beforeAll(async () => {
    database = await freshDatabase('pg');
    fake = await FakeWecomApi.start(account.corpId, account.secret);
    bus = new MemoryBus();
    const deps = testDeps(database.db, bus, [wecomKf], { secretKey: randomBytes(32) });
    tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(deps, tenantId, { type: 'wecom-kf', name: 'Service', config: { ...account, apiBaseUrl: fake.url } });
    const row = await database.db.selectFrom('channels').selectAll().where('id', '=', channel.id).executeTakeFirstOrThrow();
    ctx = contextFor(deps, wecomKf, row);
  });
  afterAll(async () => {
    await bus?.close();
    await fake?.close();
    await database?.drop();
  });

  it('refuses a reply while a WeCom member serves the customer in the WeCom app, saying so, and sends nothing', async () => {
    const customer = newCustomer();
    fake.customerWrote(OPEN_KFID, customer);
    fake.setSession(OPEN_KFID, customer, 3, 'zhangsan');
    const error = await refusal(reply(customer));
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error!.retryable).toBe(false);
    expect(error!.message).toContain('a WeCom member (zhangsan) is serving the customer in the WeCom app');
    expect(error!.message).toContain('95018');
    expect(sentTo(customer)).toBe(0);
  });

  it('refuses a reply to an ended session: the customer must write first; after they do, it goes', async () => {
    const customer = newCustomer();
    fake.customerWrote(OPEN_KFID, customer);
    fake.setSession(OPEN_KFID, customer, 4);
    const error = await refusal(reply(customer));
    expect(error!.retryable).toBe(false);
    expect(error!.message).toContain('the WeCom session has ended: the customer must write first');
    fake.customerWrote(OPEN_KFID, customer);
    await reply(customer);
    expect(sentTo(customer)).toBe(1);
  });

  it('refuses a reply while the customer waits in WeCom’s own queue', async () => {
    const customer = newCustomer();
    fake.customerWrote(OPEN_KFID, customer);
    fake.setSession(OPEN_KFID, customer, 2);
    expect((await refusal(reply(customer)))!.message).toContain('waiting in WeCom’s own queue');
  });

  it('takes a new session into the API’s hands when WeCom refuses a reply with 95018, then sends it once', async () => {
    const customer = newCustomer();
    fake.customerWrote(OPEN_KFID, customer);
    fake.failNext('/cgi-bin/kf/send_msg', 95018);
    await reply(customer, '马上为您处理');
    expect(fake.stateChanges.at(-1)).toEqual({ open_kfid: OPEN_KFID, external_userid: customer, service_state: 1 });
    expect(fake.sent.filter((s) => s.body.touser === customer).map((s) => (s.body.text as { content: string }).content)).toEqual(['马上为您处理']);
  });

  it('fails the sixth reply after one customer message with the 5-in-48-hours rule, until the customer writes again', async () => {
    const customer = newCustomer();
    fake.customerWrote(OPEN_KFID, customer);
    for (let i = 0; i < 5; i++) await reply(customer, `第 ${i + 1} 条`);
    const error = await refusal(reply(customer, '第 6 条'));
    expect(error!.retryable).toBe(false);
    expect(error!.code).toBe('95001');
    expect(error!.message).toContain('WeCom allows 5 replies within 48 hours of the customer’s last message; the customer must write first');
    expect(sentTo(customer)).toBe(5);
    fake.customerWrote(OPEN_KFID, customer);
    await reply(customer, '第 6 条');
    expect(sentTo(customer)).toBe(6);
  });

  it('keeps WeCom’s session in step: a new session assigned here is served through the API there; resolved here ends it', async () => {
    const customer = newCustomer();
    fake.customerWrote(OPEN_KFID, customer);
    const contact = await database.db.insertInto('contacts').values({ tenant_id: tenantId, name: null }).returning('id').executeTakeFirstOrThrow();
    await database.db
      .insertInto('contact_identities')
      .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: ctx.channel.id, external_id: customer, display_name: null })
      .execute();
    const conversation = await database.db
      .insertInto('conversations')
      .values({
        tenant_id: tenantId,
        channel_id: ctx.channel.id,
        contact_id: contact.id,
        thread_key: OPEN_KFID,
        group_id: null,
        assignee_id: null,
        subject: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const snapshot = {
      id: conversation.id,
      channelId: ctx.channel.id,
      contactId: contact.id,
      status: 'assigned',
      groupId: null,
      assigneeId: null,
      priority: 0,
    };
    const at = new Date().toISOString();
    await serviceStateEvents.handle({ id: '1', kind: 'conversation.assigned', payload: { conversation: snapshot }, at }, ctx);
    // Assigned again (a transfer here): WeCom's session is already the API's; nothing to change.
    await serviceStateEvents.handle({ id: '2', kind: 'conversation.assigned', payload: { conversation: snapshot }, at }, ctx);
    await serviceStateEvents.handle({ id: '3', kind: 'conversation.resolved', payload: { conversation: { ...snapshot, status: 'resolved' } }, at }, ctx);
    await serviceStateEvents.handle({ id: '4', kind: 'conversation.resolved', payload: { conversation: { ...snapshot, status: 'resolved' } }, at }, ctx);
    expect(fake.stateChanges.filter((c) => c.external_userid === customer)).toEqual([
      { open_kfid: OPEN_KFID, external_userid: customer, service_state: 1 },
      { open_kfid: OPEN_KFID, external_userid: customer, service_state: 4 },
    ]);
    expect(fake.sessions.get(`${OPEN_KFID}|${customer}`)?.state).toBe(4);
  });
});
