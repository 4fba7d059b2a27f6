import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../../test/support/services.js';
import { seedConversation } from '../../test/support/fixtures.js';
import { queueReply } from './reply.js';

describe('queueReply', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase();
  });
  afterAll(() => handle.drop());

  it('queues a reply, its event and its delivery in one go, once per client id', async () => {
    const world = await seedConversation(handle.db, { slug: 'reply-a' });
    const input = {
      tenantId: world.tenantId,
      conversationId: world.conversationId,
      sender: { type: 'agent' as const, id: null },
      parts: [{ type: 'text' as const, text: '您好，请问有什么可以帮您？' }],
      clientId: 'c-1',
    };
    const first = await queueReply(handle.db, input);
    const again = await queueReply(handle.db, input);
    expect(first.duplicate).toBe(false);
    expect(again.duplicate).toBe(true);
    expect(again.message.id).toBe(first.message.id);
    expect(first.message.status).toBe('queued');

    const outbox = await handle.db.selectFrom('outbox').selectAll().where('tenant_id', '=', world.tenantId).orderBy('id').execute();
    expect(outbox.map((r) => [r.exchange, r.kind])).toEqual([
      ['events', 'message.created'],
      ['outbound', 'message.outbound'],
    ]);
    expect(outbox[1]!.routing_key).toBe(`app-api.${world.channelId}`);
    expect(outbox[1]!.payload).toMatchObject({
      messageId: first.message.id,
      recipient: { externalId: 'user-42' },
      inReplyTo: 'ext-1',
      parts: [{ type: 'text', text: '您好，请问有什么可以帮您？' }],
    });
    const conversation = await handle.db.selectFrom('conversations').selectAll().where('id', '=', world.conversationId).executeTakeFirstOrThrow();
    expect(conversation.first_response_at).not.toBeNull();
  });

  it('keeps an internal note inside: no delivery to the customer', async () => {
    const world = await seedConversation(handle.db, { slug: 'reply-b' });
    const { message } = await queueReply(handle.db, {
      tenantId: world.tenantId,
      conversationId: world.conversationId,
      sender: { type: 'agent', id: null },
      parts: [{ type: 'text', text: 'VIP, be quick' }],
      private: true,
    });
    expect(message.private).toBe(true);
    const kinds = await handle.db.selectFrom('outbox').select('exchange').where('tenant_id', '=', world.tenantId).execute();
    expect(kinds.map((k) => k.exchange)).toEqual(['events']);
  });

  it("refuses another tenant's conversation as not found", async () => {
    const world = await seedConversation(handle.db, { slug: 'reply-c' });
    const other = await seedConversation(handle.db, { slug: 'reply-d' });
    await expect(
      queueReply(handle.db, {
        tenantId: other.tenantId,
        conversationId: world.conversationId,
        sender: { type: 'agent', id: null },
        parts: [{ type: 'text', text: 'x' }],
      }),
    ).rejects.toThrow('conversation not found');
  });
});
