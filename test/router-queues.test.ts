import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepQueues } from '../router/timers/queue-sweep.js';
import { claimConversation, resolveConversation, setAgentCapacity, setAgentPhoneStatus, setAgentStatus } from '../router/actions.js';
import { freshDatabase } from './support/services.js';
import {
  addAgent,
  addGroup,
  addRule,
  conversationOf,
  createWorld,
  deliver,
  depsFor,
  envelope,
  outboxKinds,
  outboxPayloads,
  setDefaultGroup,
} from './support/router-world.js';

describe('router queues', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase();
  });
  afterAll(() => handle?.drop());
  const db = () => handle.db;

  it('orders the line by priority then arrival, publishes positions, and a resolved conversation frees its seat at once', async () => {
    const world = await createWorld(db(), 'line');
    const group = await addGroup(world, 'Support');
    await setDefaultGroup(world, group);
    await addRule(world, 1, [{ type: 'contact_tag', anyOf: ['vip'] }], { priority: 10 });
    const agent = await addAgent(world, 'Only', { groups: [group], capacity: { chat: 1 } });
    const vip = await db()
      .insertInto('contacts')
      .values({ tenant_id: world.tenantId, name: 'VIP', tags: ['VIP'] })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('contact_identities')
      .values({ tenant_id: world.tenantId, contact_id: vip.id, channel_id: world.channelId, external_id: 'vip' })
      .execute();

    await deliver(db(), envelope(world, { from: 'first' }));
    await deliver(db(), envelope(world, { from: 'second' }));
    await deliver(db(), envelope(world, { from: 'third' }));
    await deliver(db(), envelope(world, { from: 'vip' }));
    const first = await conversationOf(db(), world, 'first');
    expect(first.assignee_id).toBe(agent);
    const queued = await outboxPayloads(db(), world, 'conversation.queued');
    // second waits 1st, third 2nd, then the VIP jumps the line to 1st.
    expect(queued.map((q) => q.position)).toEqual([1, 2, 1]);

    await resolveConversation(depsFor(db()), { tenantId: world.tenantId, conversationId: first.id, actorId: agent });
    expect((await conversationOf(db(), world, 'vip')).assignee_id).toBe(agent);
    expect((await conversationOf(db(), world, 'second')).status).toBe('queued');
    const positions = await outboxPayloads(db(), world, 'queue.position');
    const second = await conversationOf(db(), world, 'second');
    const third = await conversationOf(db(), world, 'third');
    expect(positions.map((p) => [p.conversation.id, p.position])).toEqual([
      [second.id, 1],
      [third.id, 2],
    ]);
    const kinds = await outboxKinds(db(), world);
    expect(kinds.filter((k) => k === 'conversation.resolved')).toHaveLength(1);
    expect(kinds.at(-3)).toBe('conversation.assigned');
  });

  it('an agent coming online, or getting more capacity, takes waiting conversations at once', async () => {
    const world = await createWorld(db(), 'freed');
    const group = await addGroup(world, 'Support');
    await setDefaultGroup(world, group);
    const agent = await addAgent(world, 'Li', { groups: [group], status: 'offline', capacity: { chat: 1 } });
    await deliver(db(), envelope(world, { from: 'a' }), envelope(world, { from: 'b' }), envelope(world, { from: 'c' }));
    expect((await conversationOf(db(), world, 'a')).status).toBe('queued');
    const deps = depsFor(db());
    const info = await setAgentStatus(deps, { tenantId: world.tenantId, userId: agent, status: 'online' });
    expect(info.status).toBe('online');
    expect((await conversationOf(db(), world, 'a')).assignee_id).toBe(agent);
    expect((await conversationOf(db(), world, 'b')).status).toBe('queued');
    await setAgentCapacity(deps, { tenantId: world.tenantId, userId: agent, capacity: { chat: 3 } });
    expect((await conversationOf(db(), world, 'b')).assignee_id).toBe(agent);
    expect((await conversationOf(db(), world, 'c')).assignee_id).toBe(agent);
    const kinds = await outboxKinds(db(), world);
    expect(kinds).toContain('agent.status');
    expect(kinds).toContain('agent.capacity');
    await expect(setAgentCapacity(deps, { tenantId: world.tenantId, userId: agent, capacity: { chat: -1 } })).rejects.toThrow(/invalid capacity/);
    await expect(setAgentStatus(deps, { tenantId: world.tenantId, userId: agent, status: 'sleeping' as never })).rejects.toThrow(/invalid status/);
  });

  it("a full line turns newcomers away with the group's automatic reply; they stay visible, unassigned", async () => {
    const world = await createWorld(db(), 'full');
    const group = await addGroup(world, 'Support', { max_queue_length: 1, queue_full_reply: '排队人数已满，请稍后再试' });
    await setDefaultGroup(world, group);
    await deliver(db(), envelope(world, { from: 'in-line' }), envelope(world, { from: 'turned-away' }));
    expect((await conversationOf(db(), world, 'in-line')).status).toBe('queued');
    const away = await conversationOf(db(), world, 'turned-away');
    expect(away).toMatchObject({ status: 'open', assignee_id: null, group_id: group });
    const replies = await db().selectFrom('messages').selectAll().where('conversation_id', '=', away.id).where('direction', '=', 'out').execute();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ sender_type: 'system', status: 'queued', content: [{ type: 'text', text: '排队人数已满，请稍后再试' }] });
    const outbound = await db().selectFrom('outbox').selectAll().where('tenant_id', '=', world.tenantId).where('exchange', '=', 'outbound').execute();
    expect(outbound).toHaveLength(1);
    expect(outbound[0]!.payload).toMatchObject({ conversationId: away.id, recipient: { externalId: 'turned-away' } });
    // An agent may still take it by hand.
    const agent = await addAgent(world, 'Picker', { groups: [group] });
    const claimed = await claimConversation(depsFor(db()), { tenantId: world.tenantId, conversationId: away.id, agentId: agent });
    expect(claimed).toMatchObject({ status: 'assigned', assigneeId: agent });
  });

  it('a waiting call rings an agent as soon as their phone is on (desk IP phone, web phone or mobile)', async () => {
    const world = await createWorld(db(), 'phones');
    const group = await addGroup(world, 'Hotline');
    await setDefaultGroup(world, group);
    const agent = await addAgent(world, 'Operator', { groups: [group], phone: 'offline', capacity: { chat: 5, voice: 1 } });
    await deliver(db(), envelope(world, { from: '+8613800000001', kind: 'voice' }), envelope(world, { from: '+8613800000002', kind: 'voice' }));
    expect((await conversationOf(db(), world, '+8613800000001')).status).toBe('queued');
    const info = await setAgentPhoneStatus(depsFor(db()), { tenantId: world.tenantId, userId: agent, phoneStatus: 'web_phone' });
    expect(info).toMatchObject({ status: 'online', phoneStatus: 'web_phone' });
    expect((await conversationOf(db(), world, '+8613800000001')).assignee_id).toBe(agent);
    // One call at a time: the second caller keeps waiting.
    expect((await conversationOf(db(), world, '+8613800000002')).status).toBe('queued');
    const [status] = await outboxPayloads(db(), world, 'agent.status');
    expect(status).toMatchObject({ userId: agent, phoneStatus: 'web_phone' });
  });

  it("a periodic sweep assigns waiting conversations when capacity appeared behind the router's back", async () => {
    const world = await createWorld(db(), 'sweep');
    const group = await addGroup(world, 'Support');
    await setDefaultGroup(world, group);
    const agent = await addAgent(world, 'Li', { groups: [group], status: 'offline' });
    await deliver(db(), envelope(world, { from: 'forgotten' }));
    expect((await conversationOf(db(), world, 'forgotten')).status).toBe('queued');
    // An admin edits the agent directly: no freed-capacity hand-over happens.
    await db().updateTable('users').set({ agent_status: 'online' }).where('id', '=', agent).execute();
    expect(await sweepQueues(depsFor(db()))).toBeGreaterThanOrEqual(1);
    expect((await conversationOf(db(), world, 'forgotten')).assignee_id).toBe(agent);
  });
});
