import type { Db } from '../../core/db/database.js';

/** A company with one channel, one customer on it and one open conversation: the smallest world to test in. */
export async function seedConversation(db: Db, options: { slug?: string; channelType?: string } = {}) {
  const tenant = await db
    .insertInto('tenants')
    .values({ slug: options.slug ?? 'acme', name: 'Acme' })
    .returning('id')
    .executeTakeFirstOrThrow();
  const channel = await db
    .insertInto('channels')
    .values({ tenant_id: tenant.id, type: options.channelType ?? 'app-api', name: 'App' })
    .returning(['id', 'type'])
    .executeTakeFirstOrThrow();
  const contact = await db.insertInto('contacts').values({ tenant_id: tenant.id, name: 'Wang Fang' }).returning('id').executeTakeFirstOrThrow();
  await db
    .insertInto('contact_identities')
    .values({ tenant_id: tenant.id, contact_id: contact.id, channel_id: channel.id, external_id: 'user-42', display_name: 'Wang Fang' })
    .execute();
  const conversation = await db
    .insertInto('conversations')
    .values({ tenant_id: tenant.id, channel_id: channel.id, contact_id: contact.id, group_id: null, assignee_id: null, subject: null })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('messages')
    .values({
      tenant_id: tenant.id,
      conversation_id: conversation.id,
      channel_id: channel.id,
      direction: 'in',
      sender_type: 'contact',
      sender_id: contact.id,
      external_id: 'ext-1',
      client_id: null,
      content: JSON.stringify([{ type: 'text', text: 'hello' }]),
      error: null,
    })
    .execute();
  return { tenantId: tenant.id, channelId: channel.id, channelType: channel.type, contactId: contact.id, conversationId: conversation.id };
}
