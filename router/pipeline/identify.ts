import type { Transaction } from 'kysely';
import type { Contact, Database } from '../../core/db/schema.js';
import { contactNameFor, isGeneratedName } from '../../core/domain/contact-name.js';
import type { ContactSummary, EventPayloads } from '../../core/domain/events.js';
import { contactsWithVerifiedMatch } from '../../core/contacts/verified-match.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';

const newContactValues = (e: InboundEnvelope) => {
  const sender = e.message.sender;
  return {
    tenant_id: e.tenantId,
    name: contactNameFor(sender),
    email: sender.email ?? null,
    phone: sender.phone ?? null,
    email_verified: Boolean(sender.email && sender.verified?.includes('email')),
    phone_verified: Boolean(sender.phone && sender.verified?.includes('phone')),
    attributes: JSON.stringify(sender.attributes ?? {}),
  };
};

/**
 * The contact behind a channel identity (an OpenID, an e-mail address, a visitor id). An identity
 * seen for the first time lands on the one contact that has the sender's proven phone or e-mail
 * verified; otherwise (no such contact, or several: never guessed) it makes a new contact from
 * what the channel told about the sender.
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

  const matches = await contactsWithVerifiedMatch(trx, tenantId, sender, 2);
  const known =
    matches.length === 1
      ? await trx.selectFrom('contacts').selectAll().where('tenant_id', '=', tenantId).where('id', '=', matches[0]!).executeTakeFirst()
      : undefined;
  const contact = known ?? (await trx.insertInto('contacts').values(newContactValues(envelope)).returningAll().executeTakeFirstOrThrow());
  const identity = await trx
    .insertInto('contact_identities')
    .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: channelId, external_id: sender.externalId, display_name: sender.displayName ?? null })
    .onConflict((oc) => oc.columns(['channel_id', 'external_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (identity) return { contact, created: !known };
  // Another worker registered the same identity a moment ago (a parallel thread of one sender).
  if (!known) await trx.deleteFrom('contacts').where('tenant_id', '=', tenantId).where('id', '=', contact.id).execute();
  return { contact: (await find())!, created: false };
}

/**
 * New contacts for senders seen for the first time, for a whole batch in two statements (one per
 * table); `envelopes` holds one envelope per new identity. A sender whose proven phone or e-mail
 * one existing contact has verified is that contact (one look-up each, only for such senders:
 * calls, WhatsApp, mail). An identity another worker registered meanwhile keeps its contact (ours
 * is dropped). Keyed by `channelId|externalId`.
 */
export async function createContacts(
  trx: Transaction<Database>,
  envelopes: readonly InboundEnvelope[],
): Promise<Map<string, { contact: Contact; created: boolean }>> {
  const result = new Map<string, { contact: Contact; created: boolean }>();
  if (envelopes.length === 0) return result;
  const fresh: InboundEnvelope[] = [];
  for (const e of envelopes) {
    const matches = e.message.sender.verified?.length ? await contactsWithVerifiedMatch(trx, e.tenantId, e.message.sender, 2) : [];
    if (matches.length === 1) result.set(`${e.channelId}|${e.message.sender.externalId}`, await identifyContact(trx, e));
    else fresh.push(e);
  }
  if (fresh.length === 0) return result;
  // Rows come back in the order of the values.
  const contacts = await trx.insertInto('contacts').values(fresh.map(newContactValues)).returningAll().execute();
  const identities = await trx
    .insertInto('contact_identities')
    .values(
      fresh.map((e, i) => ({
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
  fresh.forEach((e, i) => {
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

/**
 * A known customer who now gives a name (a pre-chat form, a signed-in site user, an e-mail's
 * display name) gets it in place of the one made up for them; a name an agent typed is kept.
 * Answers each renamed contact with who holds its conversations, for `contact.updated`.
 */
export async function adoptGivenNames(
  trx: Transaction<Database>,
  envelopes: readonly { envelope: InboundEnvelope; contact: Contact }[],
): Promise<{ tenantId: string; payload: EventPayloads['contact.updated'] }[]> {
  const given = new Map<string, { contact: Contact; name: string }>();
  for (const { envelope, contact } of envelopes) {
    const name = envelope.message.sender.displayName?.trim();
    if (name && name !== contact.name && isGeneratedName(contact.name)) given.set(contact.id, { contact, name });
  }
  const renamed: { tenantId: string; payload: EventPayloads['contact.updated'] }[] = [];
  for (const { contact, name } of given.values()) {
    const row = await trx
      .updateTable('contacts')
      .set({ name, updated_at: new Date() })
      .where('tenant_id', '=', contact.tenant_id)
      .where('id', '=', contact.id)
      // Only while nobody changed it since it was read.
      .where((eb) => (contact.name === null ? eb('name', 'is', null) : eb('name', '=', contact.name)))
      .returning(['id', 'name', 'email', 'phone'])
      .executeTakeFirst();
    if (!row) continue;
    contact.name = name;
    const holders = await trx
      .selectFrom('conversations')
      .select(['group_id', 'assignee_id'])
      .distinct()
      .where('tenant_id', '=', contact.tenant_id)
      .where('contact_id', '=', contact.id)
      .limit(200)
      .execute();
    const summary: ContactSummary = { id: row.id, name: row.name, email: row.email, phone: row.phone };
    renamed.push({
      tenantId: contact.tenant_id,
      payload: { contact: summary, holders: holders.map((h) => ({ groupId: h.group_id, assigneeId: h.assignee_id })) },
    });
  }
  return renamed;
}
