import { expect, it } from 'vitest';
import { describeOnEachBus } from '../test/support/event-queue-world.js';
import { CUSTOMER_REPLIES_QUEUE, customerRepliesBindings } from './worker.js';

/**
 * Customers' messages reach the ticket worker only from companies that have a ticket: the
 * messages of a company that does not use tickets cost the broker no delivery to it.
 */
describeOnEachBus('the customer-replies queue bindings', { queue: CUSTOMER_REPLIES_QUEUE }, (world) => {
  const company = async () => {
    const tenantId = await world.company();
    const contact = await world.db.insertInto('contacts').values({ tenant_id: tenantId, name: 'Pat' }).returning('id').executeTakeFirstOrThrow();
    return { tenantId, contactId: contact.id };
  };
  const ticket = (tenantId: string, contactId: string) =>
    ({ tenant_id: tenantId, number: '1', subject: 'Hinge', requester_id: contactId, source: 'manual' }) as never;

  it('binds the companies with tickets, found at start or binding with their first ticket, and no other', async () => {
    const { db, bus } = world;
    const atStart = await company();
    await db.insertInto('tickets').values(ticket(atStart.tenantId, atStart.contactId)).execute();
    const none = await company();
    const later = await company();
    // An earlier version bound the queue to every company's messages.
    await bus.declareQueue({ name: CUSTOMER_REPLIES_QUEUE, bindings: [{ exchange: 'events', pattern: '*.message.created' }] });
    const bindings = customerRepliesBindings({ db, bus });
    await bindings.start();
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('tickets').values(ticket(later.tenantId, later.contactId)).execute();
      await bindings.widen(trx, later.tenantId);
    });
    for (const { tenantId } of [none, atStart, later, none]) await world.publish(tenantId, 'message.created');
    expect(await world.settledDepth(CUSTOMER_REPLIES_QUEUE, 2)).toBe(2);
  });
});
