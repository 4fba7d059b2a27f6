import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bus } from '../../core/bus/bus.js';
import { createChannel } from '../../core/connector/channels.js';
import { connectorEventsQueue, startEventForwarders } from '../../core/connector/event-forwarder.js';
import { signPayload } from '../../core/connector/signatures.js';
import { webhookReceiver, type WebhookReceiver } from '../../core/connector/testkit/receiver.js';
import { event } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { OutboxRelay, recordEvents } from '../../core/outbox/outbox.js';
import { seedTenant, testDeps } from '../../test/support/connectors.js';
import { busFactories, deleteQueues, eventually, freshDatabase } from '../../test/support/services.js';
import appApi from './connector.js';

const WEBHOOK_SECRET = 'webhook-secret-0123456789abc';

for (const factory of busFactories) {
  describe.skipIf(!factory.available)(`app API conversation events on the ${factory.name} bus`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let bus: Bus;
    let relay: OutboxRelay;
    let forwarders: { stop(): Promise<void> };
    let receiver: WebhookReceiver;
    let deps: ReturnType<typeof testDeps>;

    beforeAll(async () => {
      database = await freshDatabase();
      bus = await factory.open();
      receiver = await webhookReceiver();
      deps = testDeps(database.db, bus, [appApi], { retry: { attempts: 2, baseDelayMs: 100 } });
      forwarders = await startEventForwarders(deps);
      relay = new OutboxRelay(database.db, bus, { pollMs: 50 });
      relay.start();
    });
    afterAll(async () => {
      await forwarders.stop();
      await relay.stop();
      await bus.close();
      await receiver.close();
      await deleteQueues([connectorEventsQueue('app-api')]);
      await database.drop();
    });

    it('tells the company webhook that a conversation was resolved, signed, retrying a 503', async () => {
      const db = database.db;
      const tenantId = await seedTenant(db);
      const { channel } = await createChannel(deps, tenantId, {
        type: 'app-api',
        name: 'App',
        config: { webhookUrl: receiver.url, webhookSecret: WEBHOOK_SECRET },
      });
      const contact = await db.insertInto('contacts').values({ tenant_id: tenantId, name: 'Li' }).returning('id').executeTakeFirstOrThrow();
      await db
        .insertInto('contact_identities')
        .values({ tenant_id: tenantId, contact_id: contact.id, channel_id: channel.id, external_id: 'cust-1', display_name: null })
        .execute();
      const conversation = await db
        .insertInto('conversations')
        .values({ tenant_id: tenantId, channel_id: channel.id, contact_id: contact.id, status: 'resolved', group_id: null, assignee_id: null, subject: null })
        .returningAll()
        .executeTakeFirstOrThrow();

      receiver.failNext(503);
      await recordEvents(db, [event(tenantId, 'conversation.resolved', { conversation: conversationSnapshot(conversation) })]);
      relay.poke();

      await eventually(() => receiver.accepted().length === 1, { timeoutMs: 10_000 });
      expect(receiver.requests.map((r) => r.status)).toEqual([503, 200]);
      const taken = receiver.accepted()[0]!;
      expect(taken.json).toMatchObject({ type: 'conversation.resolved', conversationId: conversation.id, user: { id: 'cust-1' }, status: 'resolved' });
      expect(taken.headers['x-switchboard-signature']).toBe(signPayload(WEBHOOK_SECRET, String(taken.headers['x-switchboard-timestamp']), taken.body));
      const deliveryId = (taken.json as { deliveryId: string }).deliveryId;
      // The attempt is recorded once the answer is in.
      await eventually(async () => (await db.selectFrom('webhook_deliveries').select('id').where('delivery_id', '=', deliveryId).execute()).length === 2);
      const attempts = await db
        .selectFrom('webhook_deliveries')
        .select(['attempt', 'status_code'])
        .where('delivery_id', '=', deliveryId)
        .orderBy('attempt')
        .execute();
      expect(attempts).toEqual([
        { attempt: 1, status_code: 503 },
        { attempt: 2, status_code: 200 },
      ]);
    });
  });
}
