import { sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';

/**
 * Where a customer's data lives. Everything keyed by the contact is reached from these ids: the
 * contact itself and any contact merged into it (kept hidden so a merge can be undone — it holds
 * the same person's data), their conversations, and the calls of those conversations (a call's
 * conversation has the call's channel and `thread_key = provider_call_id`).
 */
export interface Holdings {
  contactIds: string[];
  conversationIds: string[];
  callIds: string[];
  /** Stored files the customer's messages carry or the customer uploaded. */
  attachments: { id: string; name: string; storage_path: string }[];
  /** The customer's identities on channels: `(channel_id, external_id)`. */
  identities: { channel_id: string; external_id: string }[];
}

export async function findHoldings(db: Db, tenantId: string, contactId: string): Promise<Holdings> {
  const contacts = await sql<{ id: string }>`
    WITH RECURSIVE held(id) AS (
      SELECT id FROM contacts WHERE tenant_id = ${tenantId} AND id = ${contactId}
      UNION
      SELECT c.id FROM contacts c JOIN held h ON c.merged_into_id = h.id WHERE c.tenant_id = ${tenantId}
    ) SELECT id FROM held`.execute(db);
  const contactIds = contacts.rows.map((r) => r.id);
  if (contactIds.length === 0) return { contactIds, conversationIds: [], callIds: [], attachments: [], identities: [] };
  const [conversations, identities] = await Promise.all([
    db.selectFrom('conversations').select(['id', 'channel_id', 'thread_key']).where('tenant_id', '=', tenantId).where('contact_id', 'in', contactIds).execute(),
    db.selectFrom('contact_identities').select(['channel_id', 'external_id']).where('tenant_id', '=', tenantId).where('contact_id', 'in', contactIds).execute(),
  ]);
  const conversationIds = conversations.map((c) => c.id);
  const calls = conversations.length
    ? await db
        .selectFrom('calls')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where((eb) => eb.or(conversations.map((c) => eb.and([eb('channel_id', '=', c.channel_id), eb('provider_call_id', '=', c.thread_key)]))))
        .execute()
    : [];
  const attachments = await attachmentsOf(db, tenantId, conversationIds, identities);
  return { contactIds, conversationIds, callIds: calls.map((c) => c.id), attachments, identities };
}

/** Files referenced by the messages of these conversations, and files the customer uploaded (owner = their external id on the channel). */
export async function attachmentsOf(
  db: Db,
  tenantId: string,
  conversationIds: readonly string[],
  identities: readonly { channel_id: string; external_id: string }[] = [],
): Promise<{ id: string; name: string; storage_path: string }[]> {
  if (conversationIds.length === 0 && identities.length === 0) return [];
  return db
    .selectFrom('attachments')
    .select(['id', 'name', 'storage_path'])
    .where('tenant_id', '=', tenantId)
    .where((eb) =>
      eb.or([
        ...(conversationIds.length
          ? [
              eb(
                sql<string>`attachments.id::text`,
                'in',
                eb
                  .selectFrom('messages')
                  .select(sql<string>`jsonb_array_elements(content) ->> 'attachmentId'`.as('aid'))
                  .where('messages.tenant_id', '=', tenantId)
                  .where('messages.conversation_id', 'in', conversationIds),
              ),
            ]
          : []),
        ...identities.map((i) => eb.and([eb('channel_id', '=', i.channel_id), eb('owner', '=', i.external_id)])),
      ]),
    )
    .execute();
}
