import { sql, type Transaction } from 'kysely';
import type { Contact, Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { keepPlan } from '../../core/db/keep-plan.js';

export const identityKey = (channelId: string, externalId: string) => `${channelId}|${externalId}`;
export const threadKeyOf = (channelId: string, contactId: string, threadKey: string) => `${channelId}|${contactId}|${threadKey}`;

// The batch lookups below join the batch's keys (an `unnest` of parallel arrays) to the table
// through a LATERAL subquery with equality on every column of a unique index and a `limit 1` (at
// most one row per key anyway; the limit keeps the planner from flattening the subquery into a
// hash join over the whole table). That shape makes the plan a nested loop of index probes, one
// per key, whatever the table's statistics say:
// separate `IN` lists per column (the shape before) let the planner walk every row of the
// channel and filter, so the cost of a batch grew with the channel's history.

/** The batch's (channel, external id) pairs already stored: one query, one index probe per key. */
export async function alreadyStored(trx: Transaction<Database>, envelopes: readonly InboundEnvelope[]): Promise<Set<string>> {
  const keys = new Map(envelopes.map((e) => [identityKey(e.channelId, e.message.externalId), e]));
  if (keys.size === 0) return new Set();
  const channelIds = [...keys.values()].map((e) => e.channelId);
  const externalIds = [...keys.values()].map((e) => e.message.externalId);
  const { rows } = await sql<{ channel_id: string; external_id: string }>`${keepPlan}
    select m.channel_id, m.external_id
    from unnest(${channelIds}::uuid[], ${externalIds}::text[]) as k(channel_id, external_id)
    cross join lateral (
      select s.channel_id, s.external_id from messages s
      where s.channel_id = k.channel_id and s.external_id = k.external_id
      limit 1
    ) m`.execute(trx);
  return new Set(rows.map((r) => identityKey(r.channel_id, r.external_id)));
}

/**
 * The contacts behind a batch's known identities, in one query (the ones not found are new and
 * are made together by the caller). Keyed by `identityKey`.
 */
export async function preloadContacts(trx: Transaction<Database>, envelopes: readonly InboundEnvelope[]): Promise<Map<string, Contact>> {
  const found = new Map<string, Contact>();
  const keys = new Map(envelopes.map((e) => [identityKey(e.channelId, e.message.sender.externalId), e]));
  if (keys.size === 0) return found;
  const channelIds = [...keys.values()].map((e) => e.channelId);
  const externalIds = [...keys.values()].map((e) => e.message.sender.externalId);
  const { rows } = await sql<Contact & { identity_channel_id: string; identity_external_id: string }>`${keepPlan}
    select c.*, k.channel_id as identity_channel_id, k.external_id as identity_external_id
    from unnest(${channelIds}::uuid[], ${externalIds}::text[]) as k(channel_id, external_id)
    cross join lateral (
      select c.* from contact_identities i
      join contacts c on c.id = i.contact_id and c.tenant_id = i.tenant_id
      where i.channel_id = k.channel_id and i.external_id = k.external_id
      limit 1
    ) c`.execute(trx);
  for (const { identity_channel_id, identity_external_id, ...contact } of rows) {
    found.set(identityKey(identity_channel_id, identity_external_id), contact);
  }
  return found;
}

/**
 * The open conversations of a batch's known contacts, locked for this transaction, in one query
 * (locked in id order, as every other writer of several conversations does). Keyed by `threadKeyOf`.
 */
export async function preloadOpenConversations(
  trx: Transaction<Database>,
  wanted: readonly { channelId: string; contactId: string; threadKey: string }[],
): Promise<Map<string, Conversation>> {
  const found = new Map<string, Conversation>();
  const keys = new Map(wanted.map((w) => [threadKeyOf(w.channelId, w.contactId, w.threadKey), w]));
  if (keys.size === 0) return found;
  const list = [...keys.values()];
  // Found by the probes, then joined back by id so that the rows are locked here, after the sort
  // (a lock inside the LATERAL would be taken in the batch's order), and rechecked when locked:
  // one resolved meanwhile drops out, as before.
  const { rows } = await sql<Conversation>`${keepPlan}
    select c.*
    from unnest(${list.map((w) => w.channelId)}::uuid[], ${list.map((w) => w.contactId)}::uuid[], ${list.map((w) => w.threadKey)}::text[])
      as k(channel_id, contact_id, thread_key)
    cross join lateral (
      select x.id from conversations x
      where x.channel_id = k.channel_id and x.contact_id = k.contact_id and x.thread_key = k.thread_key and x.status <> 'resolved'
      limit 1
    ) o
    join conversations c on c.id = o.id
    where c.status <> 'resolved'
    order by c.id
    for update of c`.execute(trx);
  for (const row of rows) found.set(threadKeyOf(row.channel_id, row.contact_id, row.thread_key), row);
  return found;
}
