import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../core/bus/bus.js';
import type { Db } from '../core/db/database.js';
import { eventRoutingKey } from '../core/outbox/outbox.js';
import { busFactories, DATABASE_URL, deleteQueues, eventually, freshDatabase } from '../test/support/services.js';
import { CUSTOMER_REPLIES_QUEUE, customerRepliesBindings } from './worker.js';

/**
 * Customers' messages reach the ticket worker only from companies that have a ticket: the
 * messages of a company that does not use tickets cost the broker no delivery to it.
 */
describe.skipIf(!DATABASE_URL)('the customer-replies queue bindings', () => {
  for (const factory of busFactories.filter((f) => f.available)) {
    describe(factory.name, () => {
      let database: Awaited<ReturnType<typeof freshDatabase>>;
      let db: Db;
      let bus: Bus;
      let sent = 0;

      beforeAll(async () => {
        database = await freshDatabase('pg');
        db = database.db;
        bus = await factory.open();
        await deleteQueues([CUSTOMER_REPLIES_QUEUE]);
      });
      afterAll(async () => {
        await bus?.close();
        await deleteQueues([CUSTOMER_REPLIES_QUEUE]);
        await database?.drop();
      });

      const company = async () => {
        const tenantId = (
          await db
            .insertInto('tenants')
            .values({ slug: `tk-${randomUUID().slice(0, 8)}`, name: 'Tickets' })
            .returning('id')
            .executeTakeFirstOrThrow()
        ).id;
        const contact = await db.insertInto('contacts').values({ tenant_id: tenantId, name: 'Pat' }).returning('id').executeTakeFirstOrThrow();
        return { tenantId, contactId: contact.id };
      };
      const ticket = (tenantId: string, contactId: string) =>
        db.insertInto('tickets').values({ tenant_id: tenantId, number: '1', subject: 'Hinge', requester_id: contactId, source: 'manual' } as never);
      const publish = (tenantId: string) =>
        bus.publish(
          'events',
          eventRoutingKey(tenantId, 'message.created'),
          { id: String(++sent), tenantId, kind: 'message.created', payload: {}, at: new Date().toISOString() },
          { messageId: `e-${sent}` },
        );

      it('binds the companies with tickets, found at start or binding with their first ticket, and no other', async () => {
        const atStart = await company();
        await ticket(atStart.tenantId, atStart.contactId).execute();
        const none = await company();
        const later = await company();
        // An earlier version bound the queue to every company's messages.
        await bus.declareQueue({ name: CUSTOMER_REPLIES_QUEUE, bindings: [{ exchange: 'events', pattern: '*.message.created' }] });
        const bindings = customerRepliesBindings({ db, bus });
        await bindings.start();
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('tickets')
            .values({ tenant_id: later.tenantId, number: '1', subject: 'Hinge', requester_id: later.contactId, source: 'manual' } as never)
            .execute();
          await bindings.widen(trx, later.tenantId);
        });
        for (const { tenantId } of [none, atStart, later, none]) await publish(tenantId);
        await eventually(async () => (await bus.depth(CUSTOMER_REPLIES_QUEUE)) >= 2);
        await new Promise((r) => setTimeout(r, 150));
        expect(await bus.depth(CUSTOMER_REPLIES_QUEUE)).toBe(2);
      });
    });
  }
});
