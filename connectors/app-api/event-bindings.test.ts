import { beforeAll, expect, it } from 'vitest';
import { createChannel } from '../../core/connector/channels.js';
import { connectorEventBindings, connectorEventsQueue } from '../../core/connector/event-forwarder.js';
import { testDeps } from '../../test/support/connectors.js';
import { describeOnEachBus } from '../../test/support/event-queue-world.js';
import appApi from './connector.js';

const QUEUE = connectorEventsQueue('app-api');

/**
 * The app API's event queue takes the conversation events of the companies with an app-API
 * channel only: another company's events never reach it, to be dropped by its consumer.
 */
describeOnEachBus("the app API event queue's bindings", { queue: QUEUE }, (world) => {
  let deps: ReturnType<typeof testDeps>;
  beforeAll(() => {
    deps = testDeps(world.db, world.bus, [appApi]);
  });

  it('binds the companies with an app-API channel, those found at start and those that add one, and no other', async () => {
    const { db, bus } = world;
    const before = await world.company();
    await db.insertInto('channels').values({ tenant_id: before, type: 'app-api', name: 'App' }).execute();
    const chatOnly = await world.company();
    await db.insertInto('channels').values({ tenant_id: chatOnly, type: 'web', name: 'Site' }).execute();
    // An earlier version bound the queue to every company's events.
    await bus.declareQueue({ name: QUEUE, bindings: [{ exchange: 'events', pattern: '*.conversation.resolved' }] });
    await connectorEventBindings(deps, appApi)!.start();

    const later = await world.company();
    await createChannel(deps, later, { type: 'app-api', name: 'App', config: { webhookSecret: 'webhook-secret-0123456789abc' } });

    await world.publish(chatOnly, 'conversation.resolved');
    await world.publish(chatOnly, 'conversation.assigned');
    await world.publish(before, 'conversation.resolved');
    await world.publish(later, 'conversation.assigned');
    await world.publish(later, 'message.created');
    expect(await world.settledDepth(QUEUE, 2)).toBe(2);
  });
});
