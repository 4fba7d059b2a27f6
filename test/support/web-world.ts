import type { Db } from '../../core/db/database.js';
import type { ContentPart } from '../../core/domain/messages.js';

/**
 * A customer writing on one channel of a company that signed up through the app: the channel,
 * the contact with their identity, a conversation assigned to `assigneeId`, and its messages.
 */
export async function seedCustomerConversation(
  db: Db,
  input: {
    tenantSlug: string;
    assigneeId: string | null;
    contactName: string;
    channel?: { type: string; name: string };
    messages: { direction: 'in' | 'out'; parts: ContentPart[]; private?: boolean; senderId?: string | null }[];
  },
) {
  const tenant = await db.selectFrom('tenants').select('id').where('slug', '=', input.tenantSlug).executeTakeFirstOrThrow();
  const group = await db.selectFrom('groups').select('id').where('tenant_id', '=', tenant.id).orderBy('created_at').executeTakeFirst();
  const channel = await db
    .insertInto('channels')
    .values({ tenant_id: tenant.id, type: input.channel?.type ?? 'web', name: input.channel?.name ?? 'Website' })
    .returning(['id', 'type'])
    .executeTakeFirstOrThrow();
  const contact = await db
    .insertInto('contacts')
    .values({ tenant_id: tenant.id, name: input.contactName, email: 'customer@example.com' })
    .returning('id')
    .executeTakeFirstOrThrow();
  await db
    .insertInto('contact_identities')
    .values({ tenant_id: tenant.id, contact_id: contact.id, channel_id: channel.id, external_id: 'visitor-1', display_name: input.contactName })
    .execute();
  const now = Date.now();
  const conversation = await db
    .insertInto('conversations')
    .values({
      tenant_id: tenant.id,
      channel_id: channel.id,
      contact_id: contact.id,
      status: input.assigneeId ? 'assigned' : 'queued',
      group_id: group?.id ?? null,
      assignee_id: input.assigneeId,
      subject: null,
      last_message_at: new Date(now),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  let index = 0;
  for (const message of input.messages) {
    index++;
    await db
      .insertInto('messages')
      .values({
        tenant_id: tenant.id,
        conversation_id: conversation.id,
        channel_id: channel.id,
        direction: message.direction,
        sender_type: message.direction === 'in' ? 'contact' : 'agent',
        sender_id: message.direction === 'in' ? contact.id : (message.senderId ?? input.assigneeId),
        external_id: message.direction === 'in' ? `ext-${index}` : null,
        client_id: null,
        private: message.private ?? false,
        content: JSON.stringify(message.parts),
        status: message.direction === 'in' ? 'received' : 'delivered',
        error: null,
        created_at: new Date(now - (input.messages.length - index) * 1000),
      })
      .execute();
  }
  return { tenantId: tenant.id, channelId: channel.id, contactId: contact.id, conversationId: conversation.id };
}
