import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../core/bus/bus.js';
import { createChannel } from '../../core/connector/channels.js';
import { connectorEventBindings, connectorEventsQueue } from '../../core/connector/event-forwarder.js';
import { eventRoutingKey } from '../../core/outbox/outbox.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { busFactories, deleteQueues, eventually, freshDatabase } from '../../test/support/services.js';
import appApi from './connector.js';

const QUEUE = connectorEventsQueue('app-api');

/**
 * The app API's event queue takes the conversation events of the companies with an app-API
 * channel only: another company's events never reach it, to be dropped by its consumer.
 */
for (const factory of busFactories) {
  describe.skipIf(!factory.available)(`the app API event queue's bindings on the ${factory.name} bus`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let bus: Bus;
    let deps: ReturnType<typeof testDeps>;
    let sent = 0;

    beforeAll(async () => {
      database = await freshDatabase();
      bus = await factory.open();
      deps = testDeps(database.db, bus, [appApi]);
      await deleteQueues([QUEUE]);
    });
    afterAll(async () => {
      await bus.close();
      await deleteQueues([QUEUE]);
      await database.drop();
    });

    const publish = (tenantId: string, kind: string) =>
      bus.publish(
        'events',
        eventRoutingKey(tenantId, kind),
        { id: String(++sent), tenantId, kind, payload: {}, at: new Date().toISOString() },
        { messageId: `e-${sent}` },
      );

    it('binds the companies with an app-API channel, those found at start and those that add one, and no other', async () => {
      const db = database.db;
      const before = await seedTenant(db);
      await db.insertInto('channels').values({ tenant_id: before, type: 'app-api', name: 'App' }).execute();
      const chatOnly = await seedTenant(db);
      await db.insertInto('channels').values({ tenant_id: chatOnly, type: 'web', name: 'Site' }).execute();
      // An earlier version bound the queue to every company's events.
      await bus.declareQueue({ name: QUEUE, bindings: [{ exchange: 'events', pattern: '*.conversation.resolved' }] });
      await connectorEventBindings(deps, appApi)!.start();

      const later = await seedTenant(db);
      await createChannel(deps, later, { type: 'app-api', name: 'App', config: { webhookSecret: 'webhook-secret-0123456789abc' } });

      await publish(chatOnly, 'conversation.resolved');
      await publish(chatOnly, 'conversation.assigned');
      await publish(before, 'conversation.resolved');
      await publish(later, 'conversation.assigned');
      await publish(later, 'message.created');
      await eventually(async () => (await bus.depth(QUEUE)) >= 2);
      await new Promise((r) => setTimeout(r, 150));
      expect(await bus.depth(QUEUE)).toBe(2);
    });
  });
}
