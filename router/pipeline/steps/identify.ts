import type { InboundEnvelope } from '../../../core/domain/messages.js';
import { adoptGivenNames, createContacts } from '../identify.js';
import type { InboundStep } from '../pipeline.js';
import { identityKey, preloadContacts } from '../preload.js';

/**
 * Step 2: the contact behind each sender's channel identity. Known customers in one query for the
 * whole batch; senders seen for the first time become new contacts together (see ../identify.ts).
 */
export const identify: InboundStep = {
  name: 'identify',
  async run(batch) {
    const { trx, accepted } = batch;
    batch.contacts = await preloadContacts(
      trx,
      accepted.map((a) => a.envelope),
    );
    const firstOfNewSender = new Map<string, InboundEnvelope>();
    for (const { envelope } of accepted) {
      const key = identityKey(envelope.channelId, envelope.message.sender.externalId);
      if (!batch.contacts.has(key) && !firstOfNewSender.has(key)) firstOfNewSender.set(key, envelope);
    }
    for (const [key, made] of await createContacts(trx, [...firstOfNewSender.values()])) {
      batch.contacts.set(key, made.contact);
      if (made.created) {
        batch.newContacts.add(made.contact.id);
        const { id, name, email, phone } = made.contact;
        batch.events.add(made.contact.tenant_id, 'contact.created', { contact: { id, name, email, phone }, holders: [] });
      }
    }
  },
};

/**
 * Last, after the conversations' locks: a known customer who now says their name gets it in place
 * of the one made up for them (`contact.updated`).
 */
export const adoptNames: InboundStep = {
  name: 'adopt-names',
  async run(batch) {
    const known = batch.accepted.flatMap(({ envelope }) => {
      const contact = batch.contacts.get(identityKey(envelope.channelId, envelope.message.sender.externalId));
      return contact && !batch.newContacts.has(contact.id) ? [{ envelope, contact }] : [];
    });
    for (const { tenantId, payload } of await adoptGivenNames(batch.trx, known)) batch.events.add(tenantId, 'contact.updated', payload);
  },
};
