import type { Transaction } from 'kysely';
import type { Contact, Database } from '../../core/db/schema.js';
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
      name: sender.displayName ?? null,
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
