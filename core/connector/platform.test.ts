import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import { DATABASE_URL, freshDatabase } from '../../test/support/services.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import type { Db } from '../db/database.js';
import { issueApiKey } from './api-keys.js';
import { eventReads } from './event-reads.js';
import { createChannel } from './channels.js';
import { loadChannelContext } from './channel-context.js';
import { defineConnector } from './define.js';

const plain = defineConnector({
  type: 'plain',
  displayName: 'Plain',
  capabilities: { receive: ['text'], send: ['text'] },
  config: z.object({}),
  normalize: () => [],
  send: async () => 'x',
});

const phone = defineConnector({
  type: 'plain-phone',
  displayName: 'Plain phone',
  capabilities: { receive: ['text'], send: ['text'], calls: true },
  config: z.object({}),
  normalize: () => [],
  send: async () => 'x',
});

const text = (t: string) => [{ type: 'text', text: t }];

/** A customer with one conversation on the channel, and a way to add its messages. */
async function customer(db: Db, tenantId: string, channelId: string, externalId: string, subject: string | null = null) {
  const contact = await db
    .insertInto('contacts')
    .values({ tenant_id: tenantId, name: externalId, email: null, phone: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('contact_identities')
    .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: channelId, external_id: externalId, display_name: null })
    .execute();
  const conversation = await db
    .insertInto('conversations')
    .values({
      tenant_id: tenantId,
      channel_id: channelId,
      contact_id: contact.id,
      group_id: null,
      assignee_id: null,
      subject,
      thread_key: `thread-${externalId}`,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const add = async (m: {
    direction: 'in' | 'out';
    externalId?: string;
    providerMessageId?: string;
    content?: unknown[];
    status?: 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed';
    private?: boolean;
    createdAt?: Date;
    sentAt?: Date;
  }) => {
    const row = await db
      .insertInto('messages')
      .values({
        tenant_id: tenantId,
        conversation_id: conversation.id,
        channel_id: channelId,
        direction: m.direction,
        sender_type: m.direction === 'in' ? 'contact' : 'agent',
        sender_id: m.direction === 'in' ? contact.id : null,
        external_id: m.externalId ?? null,
        client_id: null,
        provider_message_id: m.providerMessageId ?? null,
        content: JSON.stringify(m.content ?? text('hi')),
        status: m.status ?? (m.direction === 'in' ? 'received' : 'queued'),
        error: null,
        private: m.private ?? false,
        sent_at: m.sentAt ?? null,
        ...(m.createdAt ? { created_at: m.createdAt } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  };
  return { contactId: contact.id, conversationId: conversation.id, add };
}

describe('the platform as a connector sees it (ctx.platform)', () => {
  let database: Awaited<ReturnType<typeof freshDatabase>>;
  let deps: ReturnType<typeof testDeps>;
  beforeAll(async () => {
    database = await freshDatabase();
    deps = testDeps(database.db, new MemoryBus(), [plain, phone]);
  });
  afterAll(() => database.drop());

  const open = async () => {
    const tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(deps, tenantId, { type: 'plain', name: 'Plain', config: {} });
    const found = await loadChannelContext(deps, { id: channel.id });
    return { tenantId, channelId: channel.id, platform: found!.ctx.platform };
  };

  it('hands no connector the database; a phone channel asks the call center about its own calls only', async () => {
    const contextOf = async (tenantId: string, type: string) =>
      (await loadChannelContext(deps, { id: (await createChannel(deps, tenantId, { type, name: type, config: {} })).channel.id }))!.ctx;
    const [tenantA, tenantB] = [await seedTenant(database.db), await seedTenant(database.db)];
    const chat = await contextOf(tenantA, 'plain');
    const phoneA = await contextOf(tenantA, 'plain-phone');
    const phoneB = await contextOf(tenantB, 'plain-phone');
    for (const ctx of [chat, phoneA, phoneB]) expect('db' in ctx).toBe(false);

    const started = await phoneA.platform.calls.reported({ event: 'newCall', callId: 'pbx-1', from: '+8613600000001', to: '4000', direction: 'in' });
    expect(started.map((s) => s.event)).toEqual(['call.started']);
    expect(await phoneA.platform.calls.callOf('pbx-1')).toMatchObject({ providerCallId: 'pbx-1', state: 'queued', direction: 'in' });
    // Another company's channel naming the same call id finds nothing, and ends nothing.
    expect(await phoneB.platform.calls.callOf('pbx-1')).toBeUndefined();
    expect(await phoneB.platform.calls.reported({ event: 'hangup', callId: 'pbx-1', cause: 'normalClearing' })).toEqual([]);
    expect(await phoneA.platform.calls.callOf('pbx-1')).toMatchObject({ state: 'queued' });
    // A channel that carries no calls has no call center to ask.
    expect(() => chat.platform.calls.callOf('pbx-1')).toThrow(/no call center/);
  });

  it('keeps the web chat’s visitors per channel, found by their token’s hash', async () => {
    const a = await open();
    const b = await open();
    const ann = await a.platform.visitors.create({ tokenHash: 'h-ann', externalId: 'v:ann', identified: false, profile: { name: 'Ann' } });
    expect(ann).toMatchObject({ externalId: 'v:ann', identified: false, profile: { name: 'Ann' } });
    expect(await a.platform.visitors.seenByToken('h-ann')).toEqual(ann);
    expect(await b.platform.visitors.seenByToken('h-ann')).toBeUndefined();
    await b.platform.visitors.setProfile(ann.id, { name: 'Mallory' });
    await a.platform.visitors.setProfile(ann.id, { name: 'Ann B.' });
    expect((await a.platform.visitors.seenByToken('h-ann'))?.profile).toEqual({ name: 'Ann B.' });
    expect(await a.platform.visitors.exists('v:ann')).toBe(true);
    expect(await b.platform.visitors.exists('v:ann')).toBe(false);
  });

  it('counts replies in a follower’s window against its quota, per channel, and claims a welcome once', async () => {
    const a = await open();
    const b = await open();
    const limits = { hours: 48, quota: 3 };
    expect(await a.platform.replyWindows.reserve('o1', 1, limits)).toBe('closed');
    await Promise.all([a.platform.replyWindows.open('o1', new Date(Date.now() - 60_000)), a.platform.replyWindows.open('o1', new Date())]);
    expect(await b.platform.replyWindows.reserve('o1', 1, limits)).toBe('closed');
    expect(await a.platform.replyWindows.reserve('o1', 2, limits)).toBe('taken');
    expect(await a.platform.replyWindows.reserve('o1', 2, limits)).toBe('used-up');
    await a.platform.replyWindows.release('o1', 2);
    expect(await a.platform.replyWindows.reserve('o1', 3, limits)).toBe('taken');
    await a.platform.replyWindows.close('o1');
    expect(await a.platform.replyWindows.reserve('o1', 1, { hours: 48, quota: 0 })).toBe('closed');
    await a.platform.replyWindows.open('o2', new Date(Date.now() - 49 * 3600_000));
    expect(await a.platform.replyWindows.reserve('o2', 1, limits)).toBe('closed');

    expect(await a.platform.welcomes.first('subscribe-1')).toBe(true);
    expect(await a.platform.welcomes.first('subscribe-1')).toBe(false);
    expect(await b.platform.welcomes.first('subscribe-1')).toBe(true);
  });

  it('numbers a webhook delivery’s attempts and keeps sync cursors per channel', async () => {
    const a = await open();
    const b = await open();
    const attempt = { deliveryId: 'd1', messageId: null, url: 'https://example.test/hook', status: 503, error: 'HTTP 503', durationMs: 12.4 };
    await a.platform.webhookLog.record(attempt);
    await a.platform.webhookLog.record({ ...attempt, status: 200, error: null });
    await b.platform.webhookLog.record(attempt);
    const rows = await database.db
      .selectFrom('webhook_deliveries')
      .select(['channel_id', 'attempt', 'status_code', 'duration_ms'])
      .where('delivery_id', '=', 'd1')
      .where('channel_id', 'in', [a.channelId, b.channelId])
      .orderBy('channel_id')
      .orderBy('attempt')
      .execute();
    expect(rows.filter((r) => r.channel_id === a.channelId).map((r) => [r.attempt, r.status_code])).toEqual([
      [1, 503],
      [2, 200],
    ]);
    expect(rows.filter((r) => r.channel_id === b.channelId).map((r) => r.attempt)).toEqual([1]);
    expect(rows[0]!.duration_ms).toBe(12);

    expect(await a.platform.syncCursors.get('kf1')).toBeUndefined();
    await a.platform.syncCursors.set('kf1', 'c1');
    await a.platform.syncCursors.set('kf1', 'c2');
    expect(await a.platform.syncCursors.get('kf1')).toBe('c2');
    expect(await b.platform.syncCursors.get('kf1')).toBeUndefined();
  });

  // The embedded database has one connection, which the held lock keeps: nothing runs beside it there.
  it.skipIf(!DATABASE_URL)('runs work for one key alone across the cluster, and other keys beside it', async () => {
    const { platform } = await open();
    const order: string[] = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const first = platform.exclusively('kf1', async ({ platform: scoped }) => {
      order.push('first in');
      await held;
      await scoped.syncCursors.set('kf1', 'from-first');
      order.push('first out');
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const second = platform.exclusively('kf1', async ({ platform: scoped }) => {
      order.push(`second in, cursor ${await scoped.syncCursors.get('kf1')}`);
    });
    const other = await platform.exclusively('kf2', async () => {
      order.push('other');
      return 7;
    });
    expect(other).toBe(7);
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await Promise.all([first, second]);
    expect(order).toEqual(['first in', 'other', 'first out', 'second in, cursor from-first']);
    await expect(platform.exclusively('kf1', async () => Promise.reject(new Error('failed')))).rejects.toThrow('failed');
    expect(await platform.exclusively('kf1', async () => 'free again')).toBe('free again');
  });

  it('finds the conversations of stored inbound messages by external id, on its own channel only', async () => {
    const a = await open();
    const b = await open();
    const ann = await customer(database.db, a.tenantId, a.channelId, 'ann');
    await ann.add({ direction: 'in', externalId: 'm1' });
    const bob = await customer(database.db, b.tenantId, b.channelId, 'bob');
    await bob.add({ direction: 'in', externalId: 'm2' });
    expect(await a.platform.messages.inboundConversations(['m1', 'm2', 'm3'])).toEqual(new Map([['m1', ann.conversationId]]));
    expect(await a.platform.messages.inboundConversations([])).toEqual(new Map());
  });

  it('finds a thread by the first id that names one of its messages, external or provider id', async () => {
    const a = await open();
    const ann = await customer(database.db, a.tenantId, a.channelId, 'ann');
    await ann.add({ direction: 'out', providerMessageId: '<reply@us>', status: 'sent' });
    const other = await open();
    const eve = await customer(database.db, other.tenantId, other.channelId, 'eve');
    await eve.add({ direction: 'in', externalId: '<elsewhere@them>' });
    expect(await a.platform.messages.threadKeyOf(['<unknown@x>', '<reply@us>'])).toBe('thread-ann');
    expect(await a.platform.messages.threadKeyOf(['<elsewhere@them>'])).toBeUndefined();
  });

  it('tells what the customer last did and when they last wrote, and whether a reply came after', async () => {
    const { tenantId, channelId, platform } = await open();
    const fan = await customer(database.db, tenantId, channelId, 'fan');
    expect(await platform.messages.lastFromCustomer('fan')).toBeUndefined();
    expect(await platform.messages.lastInboundAt('fan')).toBeUndefined();
    await fan.add({ direction: 'in', content: text('first'), createdAt: new Date('2026-12-01T10:00:00Z') });
    const mention = await fan.add({
      direction: 'in',
      content: [{ type: 'event', name: 'weibo.mention' }],
      createdAt: new Date('2026-12-01T11:00:00Z'),
      sentAt: new Date('2026-12-01T10:59:00Z'),
    });
    const last = await platform.messages.lastFromCustomer('fan');
    expect(last).toMatchObject({ id: mention, conversationId: fan.conversationId, at: new Date('2026-12-01T10:59:00Z') });
    expect(last!.content).toEqual([{ type: 'event', name: 'weibo.mention' }]);
    expect(await platform.messages.lastInboundAt('fan')).toEqual(new Date('2026-12-01T10:59:00Z'));

    expect(await platform.messages.answeredAfter(mention)).toBe(false);
    await fan.add({ direction: 'out', status: 'failed', createdAt: new Date('2026-12-01T11:01:00Z') });
    expect(await platform.messages.answeredAfter(mention)).toBe(false);
    await fan.add({ direction: 'out', status: 'sent', createdAt: new Date('2026-12-01T11:02:00Z') });
    expect(await platform.messages.answeredAfter(mention)).toBe(true);
    expect(await platform.messages.answeredAfter('not an id')).toBe(false);
  });

  it('gives a conversation’s transcript without internal notes, and its customer, for its own channel only', async () => {
    const a = await open();
    const ann = await customer(database.db, a.tenantId, a.channelId, 'ann', 'Where is my order');
    const first = await ann.add({ direction: 'in', externalId: 'm1', content: text('where?') });
    await ann.add({ direction: 'out', content: text('checking'), private: true });
    const reply = await ann.add({ direction: 'out', providerMessageId: 'p1', content: text('on its way'), status: 'sent' });
    expect(await a.platform.conversations.transcript(ann.conversationId)).toEqual({
      subject: 'Where is my order',
      messages: [
        { id: first, direction: 'in', senderType: 'contact', externalId: 'm1', providerMessageId: null, content: text('where?') },
        { id: reply, direction: 'out', senderType: 'agent', externalId: null, providerMessageId: 'p1', content: text('on its way') },
      ],
    });
    expect(await a.platform.conversations.customer(ann.conversationId)).toEqual({ threadKey: 'thread-ann', externalId: 'ann' });
    expect(await a.platform.contacts.externalIdOf(ann.contactId)).toBe('ann');

    const b = await open();
    expect(await b.platform.conversations.transcript(ann.conversationId)).toEqual({ subject: null, messages: [] });
    expect(await b.platform.conversations.customer(ann.conversationId)).toBeUndefined();
    expect(await b.platform.contacts.externalIdOf(ann.contactId)).toBeUndefined();
  });

  it('moves its own replies’ status by the provider’s id or ours, and tells the consoles', async () => {
    const a = await open();
    const ann = await customer(database.db, a.tenantId, a.channelId, 'ann');
    const reply = await ann.add({ direction: 'out', providerMessageId: 'wamid.1', status: 'sent' });
    const status = async () =>
      await database.db.selectFrom('messages').select(['status', 'error', 'error_code']).where('id', '=', reply).executeTakeFirstOrThrow();
    const events = async () =>
      (await database.db.selectFrom('outbox').select('kind').where('tenant_id', '=', a.tenantId).execute()).filter((e) => e.kind === 'message.updated').length;

    const b = await open();
    await b.platform.replies.statusByProviderId('wamid.1', 'read');
    expect(await b.platform.replies.failed(reply, { reason: 'no' })).toBe(false);
    expect((await status()).status).toBe('sent');

    await a.platform.replies.statusByProviderId('wamid.1', 'delivered');
    expect((await status()).status).toBe('delivered');
    await a.platform.replies.statusByProviderId('wamid.1', 'sent');
    expect((await status()).status).toBe('delivered');
    expect(await events()).toBe(1);

    const other = await ann.add({ direction: 'out', status: 'sent' });
    expect(await a.platform.replies.failed(other, { reason: 'the customer blocked the account', code: 'fail_type 3' })).toBe(true);
    expect(await database.db.selectFrom('messages').select(['status', 'error', 'error_code']).where('id', '=', other).executeTakeFirstOrThrow()).toEqual({
      status: 'failed',
      error: 'the customer blocked the account',
      error_code: 'fail_type 3',
    });
    expect(await a.platform.replies.failed('12x', { reason: 'no' })).toBe(false);
  });

  it('checks an API key against its own channel only', async () => {
    const a = await open();
    const b = await open();
    const { key } = await issueApiKey(database.db, a.tenantId, a.channelId);
    expect(await a.platform.apiKeys.verify(key)).toBe(true);
    expect(await b.platform.apiKeys.verify(key)).toBe(false);
  });

  it('keeps one provider token per channel for the cluster, sealed, and replaces a refused one once', async () => {
    const a = await open();
    const b = await open();
    const asked: boolean[] = [];
    let n = 0;
    const request = async (force: boolean) => {
      asked.push(force);
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { token: `token-${++n}`, expiresInSeconds: 7200 };
    };
    const first = await Promise.all([1, 2, 3].map(() => a.platform.accessToken(request)));
    expect(first).toEqual(['token-1', 'token-1', 'token-1']);
    expect(asked).toEqual([false]);
    const stored = await database.db
      .selectFrom('wechat_access_tokens')
      .select(['sealed_token', 'tenant_id'])
      .where('channel_id', '=', a.channelId)
      .executeTakeFirstOrThrow();
    expect(stored.tenant_id).toBe(a.tenantId);
    expect(stored.sealed_token).not.toContain('token-1');

    const refreshed = await Promise.all([1, 2, 3].map(() => a.platform.accessToken(request, 'token-1')));
    expect(refreshed).toEqual(['token-2', 'token-2', 'token-2']);
    expect(asked).toEqual([false, true]);
    expect(await b.platform.accessToken(request)).toBe('token-3');
    expect(await a.platform.accessToken(request)).toBe('token-2');

    // One near its end is replaced before it is used.
    await database.db
      .updateTable('wechat_access_tokens')
      .set({ expires_at: new Date(Date.now() + 60_000) })
      .where('channel_id', '=', a.channelId)
      .execute();
    expect(await a.platform.accessToken(request)).toBe('token-4');
    expect(asked).toEqual([false, true, false, false]);
  });

  it('shows a customer their own history and open conversation on this channel, never notes or another’s', async () => {
    const { tenantId, channelId, platform } = await open();
    const ann = await customer(database.db, tenantId, channelId, 'v:ann');
    const role = await database.db.insertInto('roles').values({ tenant_id: tenantId, name: 'agent' }).returning('id').executeTakeFirstOrThrow();
    const agent = await database.db
      .insertInto('users')
      .values({ tenant_id: tenantId, email: `ada-${channelId}@example.test`, name: 'Ada', password_hash: null, role_id: role.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const asked = await ann.add({ direction: 'in', externalId: 'v:ann:c1', content: text('hello') });
    await ann.add({ direction: 'out', content: text('note'), private: true });
    const answered = await ann.add({ direction: 'out', content: text('hi Ann'), status: 'sent' });
    await database.db.updateTable('messages').set({ sender_id: agent.id }).where('id', '=', answered).execute();
    const bob = await customer(database.db, tenantId, channelId, 'v:bob');
    await bob.add({ direction: 'in', content: text('bob here') });

    const history = await platform.conversations.history('v:ann', { limit: 200 });
    expect(history.map((m) => [m.id, m.direction, m.externalId, m.agentName])).toEqual([
      [asked, 'in', 'v:ann:c1', null],
      [answered, 'out', null, 'Ada'],
    ]);
    expect((await platform.conversations.history('v:ann', { after: asked, limit: 200 })).map((m) => m.id)).toEqual([answered]);
    expect((await platform.conversations.openOf('v:ann'))?.id).toBe(ann.conversationId);
    await database.db.updateTable('conversations').set({ status: 'resolved' }).where('id', '=', ann.conversationId).execute();
    expect(await platform.conversations.openOf('v:ann')).toBeUndefined();
    expect((await platform.conversations.openOf('v:bob'))?.id).toBe(bob.conversationId);

    const other = await open();
    expect(await other.platform.conversations.history('v:ann', { limit: 200 })).toEqual([]);
    expect(await other.platform.conversations.openOf('v:bob')).toBeUndefined();

    expect(await platform.company.agentsOnline()).toBe(false);
    await database.db.updateTable('users').set({ agent_status: 'online', account_status: 'active' }).where('id', '=', agent.id).execute();
    expect(await platform.company.agentsOnline()).toBe(true);
    expect(await other.platform.company.agentsOnline()).toBe(false);
  });

  it('tells whether the chat’s groups are inside their hours, and reads the company’s custom fields', async () => {
    const { tenantId, platform } = await open();
    expect(await platform.company.withinBusinessHours([])).toBe(true);
    const weekdays = [[], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], []] as [
      string,
      string,
    ][][];
    const calendar = await database.db
      .insertInto('business_calendars')
      .values({ tenant_id: tenantId, name: 'Office', time_zone: 'Asia/Shanghai', weekly_hours: JSON.stringify(weekdays) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db.insertInto('calendar_holidays').values({ tenant_id: tenantId, calendar_id: calendar.id, day: '2026-12-08' }).execute();
    const group = await database.db
      .insertInto('groups')
      .values({ tenant_id: tenantId, name: 'Sales', calendar_id: calendar.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const monday10 = new Date('2026-12-07T02:00:00Z'); // 10:00 in Shanghai
    const monday20 = new Date('2026-12-07T12:00:00Z');
    const holiday10 = new Date('2026-12-08T02:00:00Z');
    expect(await platform.company.withinBusinessHours([group.id], monday10)).toBe(true);
    expect(await platform.company.withinBusinessHours([group.id], monday20)).toBe(false);
    expect(await platform.company.withinBusinessHours([group.id], holiday10)).toBe(false);
    // No group named: the company's default group's hours.
    await database.db.insertInto('router_settings').values({ tenant_id: tenantId, default_group_id: group.id }).execute();
    expect(await platform.company.withinBusinessHours([], monday20)).toBe(false);
    const other = await open();
    expect(await other.platform.company.withinBusinessHours([group.id], monday20)).toBe(true);

    await database.db
      .insertInto('custom_fields')
      .values({ tenant_id: tenantId, key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] })
      .execute();
    expect(await platform.company.customFields(['plan', 'gone'])).toEqual(
      new Map([['plan', { key: 'plan', label: 'Plan', type: 'select', options: ['free', 'pro'] }]]),
    );
    expect(await other.platform.company.customFields(['plan'])).toEqual(new Map());
  });

  it('lets a customer reach their own uploads and the files sent in their conversations only', async () => {
    const a = await open();
    const found = await loadChannelContext(deps, { id: a.channelId });
    const ctx = found!.ctx;
    const ann = await customer(database.db, a.tenantId, a.channelId, 'v:ann');
    await customer(database.db, a.tenantId, a.channelId, 'v:bob');
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const own = await ctx.attachments.put({ owner: 'v:ann', name: 'a.png', bytes: png });
    const sent = await ctx.attachments.put({ owner: 'agent:1', name: 'b.png', bytes: png });
    const unsent = await ctx.attachments.put({ owner: 'agent:1', name: 'c.png', bytes: png });
    await ann.add({ direction: 'out', content: [{ type: 'image', attachmentId: sent.id }], status: 'sent' });

    expect((await a.platform.files.ownedBy('v:ann', [own.id, sent.id, 'not-a-uuid'])).map((f) => [f.id, f.mimeType, f.size])).toEqual([
      [own.id, 'image/png', png.length],
    ]);
    expect((await a.platform.files.visibleTo('v:ann', own.id))?.bytes).toEqual(png);
    expect((await a.platform.files.visibleTo('v:ann', sent.id))?.file.name).toBe('b.png');
    expect(await a.platform.files.visibleTo('v:ann', unsent.id)).toBeUndefined();
    expect(await a.platform.files.visibleTo('v:bob', own.id)).toBeUndefined();
    expect(await a.platform.files.visibleTo('v:bob', sent.id)).toBeUndefined();
    const b = await open();
    expect(await b.platform.files.visibleTo('v:ann', own.id)).toBeUndefined();
    expect(await b.platform.files.ownedBy('v:ann', [own.id])).toEqual([]);
  });

  it('records a customer’s typing and their receipts for replies in their own conversations only', async () => {
    const { tenantId, channelId, platform } = await open();
    const slug = (await database.db.selectFrom('tenants').select('slug').where('id', '=', tenantId).executeTakeFirstOrThrow()).slug;
    expect(await platform.company.hasSlug(slug)).toBe(true);
    expect(await platform.company.hasSlug('someone-else')).toBe(false);

    const ann = await customer(database.db, tenantId, channelId, 'v:ann');
    const bob = await customer(database.db, tenantId, channelId, 'v:bob');
    const kinds = async () =>
      (await database.db.selectFrom('outbox').select(['kind', 'payload']).where('tenant_id', '=', tenantId).orderBy('id').execute()).map((e) => e.kind);
    expect(await platform.conversations.customerTyping('v:ann', true)).toBe(true);
    expect(await platform.conversations.customerTyping('v:nobody', true)).toBe(false);
    expect(await kinds()).toEqual(['typing']);

    const first = await ann.add({ direction: 'out', status: 'sent' });
    const second = await ann.add({ direction: 'out', status: 'queued' });
    const bobs = await bob.add({ direction: 'out', status: 'sent' });
    const status = async (id: string) => (await database.db.selectFrom('messages').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
    // A queued reply moves only when it is the one named (the browser shows it before the send is recorded).
    expect(await platform.replies.seenByCustomer('v:ann', bobs, 'read')).toBe(1);
    expect([await status(first), await status(second), await status(bobs)]).toEqual(['read', 'queued', 'sent']);
    expect(await platform.replies.seenByCustomer('v:ann', second, 'read')).toBe(1);
    expect(await status(second)).toBe('read');
    expect(await platform.replies.seenByCustomer('v:ann', bobs, 'delivered')).toBe(0);
    const other = await open();
    expect(await other.platform.replies.seenByCustomer('v:bob', bobs, 'read')).toBe(0);
    expect(await status(bobs)).toBe('sent');
  });

  it('reads for the socket hub what an event names: a reply’s author, a contact’s ids, the read ids', async () => {
    const { tenantId, channelId } = await open();
    const reads = eventReads(database.db);
    const ann = await customer(database.db, tenantId, channelId, 'v:ann');
    await database.db
      .insertInto('contact_identities')
      .values({ tenant_id: tenantId, contact_id: ann.contactId, channel_id: channelId, external_id: 'u:ann', display_name: null })
      .execute();
    const role = await database.db.insertInto('roles').values({ tenant_id: tenantId, name: 'agent' }).returning('id').executeTakeFirstOrThrow();
    const agent = await database.db
      .insertInto('users')
      .values({ tenant_id: tenantId, email: `bo-${channelId}@example.test`, name: 'Bo', password_hash: null, role_id: role.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    const reply = await ann.add({ direction: 'out', status: 'sent' });
    await database.db.updateTable('messages').set({ sender_id: agent.id }).where('id', '=', reply).execute();
    const first = await ann.add({ direction: 'in', externalId: 'v:ann:c1', status: 'read' });
    await ann.add({ direction: 'in', externalId: 'v:ann:c2' });
    await ann.add({ direction: 'in', externalId: 'v:ann%:c3', status: 'read' });

    expect(await reads.replySender(channelId, reply)).toEqual({ type: 'agent', name: 'Bo' });
    expect(await reads.replySender(channelId, first)).toBeUndefined();
    const answer = await ann.add({ direction: 'out', status: 'sent' });
    await database.db.updateTable('messages').set({ sender_type: 'bot' }).where('id', '=', answer).execute();
    expect(await reads.replySender(channelId, answer)).toEqual({ type: 'bot' });
    expect(await reads.agentName(agent.id)).toBe('Bo');
    expect((await reads.customerIds(ann.contactId, channelId)).sort()).toEqual(['u:ann', 'v:ann']);
    expect(await reads.readClientIds(tenantId, ann.conversationId, 'v:ann', '999999999')).toEqual(['c1']);
    expect(await reads.readClientIds(tenantId, ann.conversationId, 'v:ann', first)).toEqual(['c1']);
    expect(await reads.readClientIds(tenantId, ann.conversationId, 'v:ann', 'x')).toEqual([]);
  });

  it('finds the agent a phone system names: by the answering number, else by e-mail or name, in its own company', async () => {
    const { tenantId, platform } = await open();
    const role = await database.db.insertInto('roles').values({ tenant_id: tenantId, name: 'agent' }).returning('id').executeTakeFirstOrThrow();
    const user = (email: string, name: string) =>
      database.db
        .insertInto('users')
        .values({ tenant_id: tenantId, email, name, password_hash: null, role_id: role.id })
        .returning('id')
        .executeTakeFirstOrThrow();
    const ada = await user(`ada-${tenantId}@example.test`, 'Ada');
    const bo = await user(`bo-${tenantId}@example.test`, 'Bo');
    await database.db
      .insertInto('voice_endpoints')
      .values({ tenant_id: tenantId, user_id: bo.id, sip: '8002', webrtc: null, mobile: '+8613800000000' })
      .execute();
    expect(await platform.company.agentNamed('8002', ['Ada'])).toBe(bo.id);
    expect(await platform.company.agentNamed('+8613800000000', [])).toBe(bo.id);
    expect(await platform.company.agentNamed('9999', [`ADA-${tenantId}@example.test`])).toBe(ada.id);
    expect(await platform.company.agentNamed(undefined, ['Ada'])).toBe(ada.id);
    expect(await platform.company.agentNamed(undefined, [])).toBeUndefined();
    const other = await open();
    expect(await other.platform.company.agentNamed('8002', ['Ada'])).toBeUndefined();
  });
});
