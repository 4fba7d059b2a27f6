import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MemoryBus } from '../bus/memory/memory-bus.js';
import { freshDatabase } from '../../test/support/services.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import type { Db } from '../db/database.js';
import { issueApiKey } from './api-keys.js';
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
    status?: 'received' | 'queued' | 'sent' | 'delivered' | 'failed';
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
    deps = testDeps(database.db, new MemoryBus(), [plain]);
  });
  afterAll(() => database.drop());

  const open = async () => {
    const tenantId = await seedTenant(database.db);
    const { channel } = await createChannel(deps, tenantId, { type: 'plain', name: 'Plain', config: {} });
    const found = await loadChannelContext(deps, { id: channel.id });
    return { tenantId, channelId: channel.id, platform: found!.ctx.platform };
  };

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
});
