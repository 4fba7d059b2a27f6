import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryBus } from '../../core/bus/memory/memory-bus.js';
import type { Bus } from '../../core/bus/bus.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { channelContext, openHarness, type Harness } from '../../core/connector/testkit/index.js';
import { eventRoutingKey, type EventEnvelope } from '../../core/outbox/outbox.js';
import { eventually } from '../../test/support/services.js';
import { embeddedKitServices } from '../../test/support/connectors.js';
import web from './connector.js';
import { eventReads } from '../../core/connector/event-reads.js';
import { VisitorHub } from './realtime.js';
import { pushToVisitor } from './send.js';

describe('web chat live feed', () => {
  let harness: Harness;
  let bus: Bus;
  let hub: VisitorHub;
  const frames: Record<string, unknown>[] = [];
  let snapshot: Record<string, unknown>;
  let visitorId: string;

  beforeAll(async () => {
    harness = await openHarness(web, {}, embeddedKitServices);
    bus = harness.deps.bus;
    hub = new VisitorHub(eventReads(harness.deps.db), harness.deps.logger);
    await hub.start(bus);
    const session = await harness.request(`/widget/${harness.channel.publicKey}/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    visitorId = ((await session.json()) as { visitor: { id: string } }).visitor.id;
    const db = harness.deps.db;
    const contact = await db.insertInto('contacts').values({ tenant_id: harness.tenantId, name: 'V' }).returning('id').executeTakeFirstOrThrow();
    await db
      .insertInto('contact_identities')
      .values({ tenant_id: harness.tenantId, contact_id: contact.id, channel_id: harness.channel.id, external_id: visitorId, display_name: null })
      .execute();
    const agent = await db.insertInto('roles').values({ tenant_id: harness.tenantId, name: 'agent' }).returning('id').executeTakeFirstOrThrow();
    const user = await db
      .insertInto('users')
      .values({ tenant_id: harness.tenantId, email: 'a@example.com', name: 'Zhao Li', password_hash: null, role_id: agent.id })
      .returning('id')
      .executeTakeFirstOrThrow();
    snapshot = {
      id: '00000000-0000-4000-8000-00000000000a',
      channelId: harness.channel.id,
      contactId: contact.id,
      status: 'assigned',
      groupId: null,
      assigneeId: user.id,
      priority: 0,
    };
    await hub.add(harness.channel.id, visitorId, { send: (frame) => frames.push(frame) });
  });
  afterAll(async () => {
    await hub.stop();
    await harness.close();
  });

  const publish = (kind: string, payload: Record<string, unknown>) => {
    const envelope: EventEnvelope = { id: String(Math.random()), tenantId: harness.tenantId, kind, payload, at: new Date().toISOString() };
    return bus.publish('events', eventRoutingKey(harness.tenantId, kind), envelope);
  };

  it('pushes an agent reply, typing, assignment and queue position to the visitor, and not the visitor own typing', async () => {
    await pushToVisitor(
      {
        version: 1,
        tenantId: harness.tenantId,
        channelId: harness.channel.id,
        channelType: 'web',
        messageId: '77',
        conversationId: String(snapshot.id),
        recipient: { externalId: visitorId },
        threadKey: '',
        parts: [{ type: 'text', text: 'hi' }],
      },
      await channelContext(harness),
    );
    await publish('typing', { conversation: snapshot, from: 'contact', on: true });
    await publish('typing', { conversation: snapshot, from: 'agent', on: true });
    await publish('conversation.assigned', { conversation: snapshot, previousAssigneeId: null });
    await publish('queue.position', { conversation: snapshot, position: 3 });
    await eventually(() => frames.length >= 4);
    await new Promise((r) => setTimeout(r, 50));
    expect(frames).toEqual([
      { type: 'message', conversationId: snapshot.id, message: expect.objectContaining({ id: '77', direction: 'out', parts: [{ type: 'text', text: 'hi' }] }) },
      { type: 'typing', on: true },
      { type: 'assigned', agent: 'Zhao Li' },
      { type: 'queue', position: 3 },
    ]);
  });

  it('tells the visitor when the console read their messages', async () => {
    frames.length = 0;
    await publish('conversation.read', { conversation: snapshot, upTo: '41', by: snapshot.assigneeId });
    await eventually(() => frames.length >= 1);
    expect(frames).toEqual([{ type: 'read', upTo: '41', clientMessageIds: [] }]);
  });

  it('subscribes a node only while a visitor is connected to it, and again when one returns', async () => {
    const idle = new VisitorHub(eventReads(harness.deps.db), harness.deps.logger, { idleMs: 50 });
    await idle.start(bus);
    try {
      expect(idle.subscribed).toBe(false);
      const seen: Record<string, unknown>[] = [];
      const remove = await idle.add(harness.channel.id, visitorId, { send: (frame) => seen.push(frame) });
      expect(idle.subscribed).toBe(true);
      await publish('queue.position', { conversation: snapshot, position: 2 });
      await eventually(() => seen.length === 1);
      remove();
      await eventually(() => !idle.subscribed);
      await publish('queue.position', { conversation: snapshot, position: 1 });
      const again: Record<string, unknown>[] = [];
      await idle.add(harness.channel.id, visitorId, { send: (frame) => again.push(frame) });
      await publish('conversation.resolved', { conversation: snapshot });
      await eventually(() => again.length === 1);
      await new Promise((r) => setTimeout(r, 50));
      expect(seen).toEqual([{ type: 'queue', position: 2 }]);
      expect(again).toEqual([{ type: 'resolved' }]);
    } finally {
      await idle.stop();
    }
  });

  it('classifies a bus that cannot take the reply as retryable', async () => {
    const closed = new MemoryBus();
    await closed.close();
    const ctx = { ...(await channelContext(harness)), bus: closed };
    const error = await pushToVisitor(
      {
        version: 1,
        tenantId: harness.tenantId,
        channelId: harness.channel.id,
        channelType: 'web',
        messageId: '78',
        conversationId: String(snapshot.id),
        recipient: { externalId: visitorId },
        threadKey: '',
        parts: [{ type: 'text', text: 'x' }],
      },
      ctx,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).retryable).toBe(true);
  });
});
