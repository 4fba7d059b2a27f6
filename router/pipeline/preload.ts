import type { Transaction } from 'kysely';
import type { Contact, Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';

export const identityKey = (channelId: string, externalId: string) => `${channelId}|${externalId}`;
export const threadKeyOf = (channelId: string, contactId: string, threadKey: string) => `${channelId}|${contactId}|${threadKey}`;

/**
 * The contacts behind a batch's known identities, in one query (the ones not found are new and
 * are made one by one). Keyed by `identityKey`.
 */
export async function preloadContacts(trx: Transaction<Database>, envelopes: readonly InboundEnvelope[]): Promise<Map<string, Contact>> {
  const found = new Map<string, Contact>();
  if (envelopes.length === 0) return found;
  const wanted = new Set(envelopes.map((e) => identityKey(e.channelId, e.message.sender.externalId)));
  const rows = await trx
    .selectFrom('contact_identities as i')
    .innerJoin('contacts as c', 'c.id', 'i.contact_id')
    .selectAll('c')
    .select(['i.channel_id as identity_channel_id', 'i.external_id as identity_external_id'])
    .where('i.channel_id', 'in', [...new Set(envelopes.map((e) => e.channelId))])
    .where('i.external_id', 'in', [...new Set(envelopes.map((e) => e.message.sender.externalId))])
    .execute();
  for (const { identity_channel_id, identity_external_id, ...contact } of rows) {
    const key = identityKey(identity_channel_id, identity_external_id);
    if (wanted.has(key)) found.set(key, contact);
  }
  return found;
}

/**
 * The open conversations of a batch's known contacts, locked for this transaction, in one query
 * (id order). Keyed by `threadKeyOf`.
 */
export async function preloadOpenConversations(
  trx: Transaction<Database>,
  wanted: readonly { channelId: string; contactId: string; threadKey: string }[],
): Promise<Map<string, Conversation>> {
  const found = new Map<string, Conversation>();
  if (wanted.length === 0) return found;
  const keys = new Set(wanted.map((w) => threadKeyOf(w.channelId, w.contactId, w.threadKey)));
  const rows = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('contact_id', 'in', [...new Set(wanted.map((w) => w.contactId))])
    .where('channel_id', 'in', [...new Set(wanted.map((w) => w.channelId))])
    .where('thread_key', 'in', [...new Set(wanted.map((w) => w.threadKey))])
    .where('status', '<>', 'resolved')
    .orderBy('id')
    .forUpdate()
    .execute();
  for (const row of rows) {
    const key = threadKeyOf(row.channel_id, row.contact_id, row.thread_key);
    if (keys.has(key)) found.set(key, row);
  }
  return found;
}
