import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Bus } from '../bus/bus.js';
import { queueReply } from '../conversations/reply.js';
import { outboundQueueName, type OutboundEnvelope } from '../domain/messages.js';
import { OutboxRelay } from '../outbox/outbox.js';
import { seedConversation } from '../../test/support/fixtures.js';
import { testDeps } from '../../test/support/connectors.js';
import { busFactories, deleteQueues, eventually, freshDatabase } from '../../test/support/services.js';
import { defineConnector } from './define.js';
import { ConnectorError } from './errors.js';
import { startOutboundWorkers } from './outbound-worker.js';

type Step = 'sent' | 'delivered' | 'retry' | 'permanent' | 'crash';
const script: Step[] = [];
const sends: OutboundEnvelope[] = [];

const flaky = defineConnector({
  type: 'flaky',
  displayName: 'Flaky',
  capabilities: { receive: ['text'], send: ['text'] },
  config: z.object({}),
  normalize: () => [],
  send: async (outbound) => {
    sends.push(outbound);
    const step = script.shift() ?? 'sent';
    if (step === 'retry') throw ConnectorError.retryable('provider answered 503', 503);
    if (step === 'permanent') throw ConnectorError.permanent('recipient unknown', 'unknown_user');
    if (step === 'crash') throw new TypeError('cannot read properties of undefined');
    return step === 'delivered' ? { id: `p-${sends.length}`, delivered: true } : `p-${sends.length}`;
  },
});

for (const factory of busFactories) {
  describe.skipIf(!factory.available)(`outbound worker on the ${factory.name} bus`, () => {
    let database: Awaited<ReturnType<typeof freshDatabase>>;
    let bus: Bus;
    let relay: OutboxRelay;
    let workers: { stop(): Promise<void> };
    let world: Awaited<ReturnType<typeof seedConversation>>;

    beforeAll(async () => {
      database = await freshDatabase();
      bus = await factory.open();
      const deps = testDeps(database.db, bus, [flaky], { retry: { attempts: 2, baseDelayMs: 100 } });
      relay = new OutboxRelay(database.db, bus, { pollMs: 50 });
      workers = await startOutboundWorkers(deps, { poke: () => relay.poke() });
      relay.start();
      world = await seedConversation(database.db, { channelType: 'flaky' });
    });
    afterAll(async () => {
      await workers.stop();
      await relay.stop();
      await bus.close();
      await deleteQueues([outboundQueueName('flaky')]);
      await database.drop();
    });

    const reply = async (text: string) =>
      (
        await queueReply(database.db, {
          tenantId: world.tenantId,
          conversationId: world.conversationId,
          sender: { type: 'agent', id: null },
          parts: [{ type: 'text', text }],
        })
      ).message.id;
    const row = (id: string) => database.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const rowWhen = async (id: string, status: string, timeoutMs = 10_000) => {
      await eventually(async () => (await row(id)).status === status, { timeoutMs });
      return row(id);
    };
    const updates = async (id: string) =>
      (await database.db.selectFrom('outbox').select('payload').where('kind', '=', 'message.updated').orderBy('id').execute())
        .map((r) => r.payload as { messageId: string; status: string; error?: string })
        .filter((p) => p.messageId === id);

    it('sends a reply and moves it from queued to sent, with the provider id and an event', async () => {
      script.push('sent');
      const id = await reply('hello');
      const sent = await rowWhen(id, 'sent');
      expect(sent.provider_message_id).toMatch(/^p-/);
      expect(sent.sent_at).not.toBeNull();
      expect(sends.at(-1)).toMatchObject({ messageId: id, recipient: { externalId: 'user-42' }, parts: [{ type: 'text', text: 'hello' }] });
      expect(await updates(id)).toEqual([expect.objectContaining({ status: 'sent' })]);
    });

    it('retries a retryable failure after a delay and then delivers', async () => {
      script.push('retry', 'delivered');
      const before = sends.length;
      const id = await reply('try again');
      await eventually(async () => (await row(id)).status === 'delivered');
      expect(sends.length - before).toBe(2);
      expect((await row(id)).error).toBeNull();
      expect((await updates(id)).map((u) => u.status)).toEqual(['delivered']);
    });

    it('fails a permanent error at once, with the error text for the agent', async () => {
      script.push('permanent');
      const before = sends.length;
      const id = await reply('to nobody');
      const failed = await rowWhen(id, 'failed');
      expect(failed.error).toBe('recipient unknown');
      await new Promise((r) => setTimeout(r, 400));
      expect(sends.length - before).toBe(1);
      expect(await updates(id)).toEqual([expect.objectContaining({ status: 'failed', error: 'recipient unknown' })]);
    });

    it('treats an unexpected exception as a permanent failure', async () => {
      script.push('crash');
      const id = await reply('boom');
      const failed = await rowWhen(id, 'failed');
      expect(failed.error).toContain('cannot read properties');
    });

    it('parks a delivery in the dead-letter queue after the last retry, and a replay sends it', async () => {
      script.push('retry', 'retry', 'retry');
      const before = sends.length;
      const id = await reply('parked');
      const failed = await rowWhen(id, 'failed', 15_000);
      expect(sends.length - before).toBe(3);
      expect(failed.error).toContain('kept for replay');
      await eventually(async () => (await bus.peekDeadLetters(outboundQueueName('flaky'), 10)).length === 1);
      const letters = await bus.peekDeadLetters(outboundQueueName('flaky'), 10);
      expect(letters[0]!.error).toContain('provider answered 503');
      script.push('sent');
      expect(await bus.replayDeadLetters(outboundQueueName('flaky'))).toBe(1);
      await eventually(async () => (await row(id)).status === 'sent');
      expect((await updates(id)).map((u) => u.status)).toEqual(['failed', 'sent']);
    });
  });
}
