import type { Transaction } from 'kysely';
import type { Contact, Database } from '../../core/db/schema.js';
import { contactNameFor } from '../../core/domain/contact-name.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';

/**
 * The contact behind a channel identity (an OpenID, an e-mail address, a visitor id). An identity
 * seen for the first time makes a new contact from what the channel told about the sender.
 */
export async function identifyContact(trx: Transaction<Database>, envelope: InboundEnvelope): Promise<{ contact: Contact; created: boolean }> {
  const { tenantId, channelId } = envelope;
  const sender = envelope.message.sender;
  const find = () =>
    trx
      .selectFrom('contact_identities as i')
      .innerJoin('contacts as c', 'c.id', 'i.contact_id')
      .selectAll('c')
      .where('i.tenant_id', '=', tenantId)
      .where('i.channel_id', '=', channelId)
      .where('i.external_id', '=', sender.externalId)
      .executeTakeFirst();
  const existing = await find();
  if (existing) return { contact: existing, created: false };

  const contact = await trx
    .insertInto('contacts')
    .values({
      tenant_id: tenantId,
      name: contactNameFor(sender),
      email: sender.email ?? null,
      phone: sender.phone ?? null,
      attributes: JSON.stringify(sender.attributes ?? {}),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const identity = await trx
    .insertInto('contact_identities')
    .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: channelId, external_id: sender.externalId, display_name: sender.displayName ?? null })
    .onConflict((oc) => oc.columns(['channel_id', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (identity) return { contact, created: true };
  // Another worker registered the same identity a moment ago (a parallel thread of one sender).
  await trx.deleteFrom('contacts').where('tenant_id', '=', tenantId).where('id', '=', contact.id).execute();
  return { contact: (await find())!, created: false };
}

/**
 * New contacts for senders seen for the first time, for a whole batch in two statements (one per
 * table); `envelopes` holds one envelope per new identity. An identity another worker registered
 * meanwhile keeps its contact (ours is dropped). Keyed by `channelId|externalId`.
 */
export async function createContacts(
  trx: Transaction<Database>,
  envelopes: readonly InboundEnvelope[],
): Promise<Map<string, { contact: Contact; created: boolean }>> {
  const result = new Map<string, { contact: Contact; created: boolean }>();
  if (envelopes.length === 0) return result;
  // Rows come back in the order of the values.
  const contacts = await trx
    .insertInto('contacts')
    .values(
      envelopes.map((e) => ({
        tenant_id: e.tenantId,
        name: contactNameFor(e.message.sender),
        email: e.message.sender.email ?? null,
        phone: e.message.sender.phone ?? null,
        attributes: JSON.stringify(e.message.sender.attributes ?? {}),
      })),
    )
    .returningAll()
    .execute();
  const identities = await trx
    .insertInto('contact_identities')
    .values(
      envelopes.map((e, i) => ({
        tenant_id: e.tenantId,
        contact_id: contacts[i]!.id,
        channel_id: e.channelId,
        external_id: e.message.sender.externalId,
        display_name: e.message.sender.displayName ?? null,
      })),
    )
    .onConflict((oc) => oc.columns(['channel_id', 'external_id']).doNothing())
    .returning(['contact_id'])
    .execute();
  const registered = new Set(identities.map((i) => i.contact_id));
  const raced: InboundEnvelope[] = [];
  envelopes.forEach((e, i) => {
    const contact = contacts[i]!;
    if (registered.has(contact.id)) result.set(`${e.channelId}|${e.message.sender.externalId}`, { contact, created: true });
    else raced.push(e);
  });
  if (raced.length) {
    const orphans = contacts.filter((c) => !registered.has(c.id)).map((c) => c.id);
    await trx.deleteFrom('contacts').where('id', 'in', orphans).execute();
    for (const e of raced) result.set(`${e.channelId}|${e.message.sender.externalId}`, await identifyContact(trx, e));
  }
  return result;
}
