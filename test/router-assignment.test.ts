import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../core/errors.js';
import { claimConversation } from '../router/actions.js';
import { freshDatabase } from './support/services.js';
import { addAgent, addGroup, addRule, addSkill, conversationOf, createWorld, deliver, depsFor, envelope, setDefaultGroup } from './support/router-world.js';

describe('router assignment: agents and strategies', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase();
  });
  afterAll(() => handle?.drop());
  const db = () => handle.db;

  it("never goes beyond an agent's capacity, counted per kind (chat, e-mail, voice)", async () => {
    const world = await createWorld(db(), 'cap');
    const group = await addGroup(world, 'Support');
    await setDefaultGroup(world, group);
    const li = await addAgent(world, 'Li', { groups: [group], capacity: { chat: 1, email: 1, voice: 1 }, phone: 'web_phone' });
    await deliver(
      db(),
      envelope(world, { from: 'a' }),
      envelope(world, { from: 'b' }),
      envelope(world, { from: 'c', kind: 'email' }),
      envelope(world, { from: 'd', kind: 'voice' }),
    );
    expect(await conversationOf(db(), world, 'a')).toMatchObject({ status: 'assigned', assignee_id: li, kind: 'chat' });
    expect(await conversationOf(db(), world, 'b')).toMatchObject({ status: 'queued', assignee_id: null });
    expect(await conversationOf(db(), world, 'c')).toMatchObject({ status: 'assigned', assignee_id: li, kind: 'email' });
    expect(await conversationOf(db(), world, 'd')).toMatchObject({ status: 'assigned', assignee_id: li, kind: 'voice' });
    const log = await db().selectFrom('assignment_log').selectAll().where('tenant_id', '=', world.tenantId).execute();
    expect(log.every((l) => l.load_after <= l.capacity)).toBe(true);
  });

  it('gives new conversations only to online agents with an active account, and calls only to a phone that is on', async () => {
    const world = await createWorld(db(), 'status');
    const group = await addGroup(world, 'Support');
    await setDefaultGroup(world, group);
    for (const status of ['busy', 'away', 'offline'] as const) await addAgent(world, `agent-${status}`, { groups: [group], status });
    const online = await addAgent(world, 'Online', { groups: [group], phone: 'offline' });
    await deliver(db(), envelope(world, { from: 'chat-customer' }), envelope(world, { from: 'caller', kind: 'voice' }));
    expect((await conversationOf(db(), world, 'chat-customer')).assignee_id).toBe(online);
    expect((await conversationOf(db(), world, 'caller')).status).toBe('queued');
  });

  it('round robin gives equal turns, and an agent in two groups serves both', async () => {
    const world = await createWorld(db(), 'rr');
    const sales = await addGroup(world, 'Sales');
    const support = await addGroup(world, 'Support');
    await setDefaultGroup(world, support);
    await addRule(world, 1, [{ type: 'keyword', anyOf: ['buy'] }], { groupId: sales });
    const both = await addAgent(world, 'Both', { groups: [sales, support] });
    const supportOnly = await addAgent(world, 'SupportOnly', { groups: [support] });
    for (let i = 0; i < 4; i++) await deliver(db(), envelope(world, { from: `s-${i}` }));
    await deliver(db(), envelope(world, { from: 'buyer', text: 'I want to buy' }));
    const counts = new Map<string, number>();
    for (let i = 0; i < 4; i++) {
      const c = await conversationOf(db(), world, `s-${i}`);
      counts.set(c.assignee_id!, (counts.get(c.assignee_id!) ?? 0) + 1);
    }
    expect(counts.get(both)).toBe(2);
    expect(counts.get(supportOnly)).toBe(2);
    expect(await conversationOf(db(), world, 'buyer')).toMatchObject({ group_id: sales, assignee_id: both });
  });

  it('least busy picks the lowest load relative to capacity', async () => {
    const world = await createWorld(db(), 'lb');
    const group = await addGroup(world, 'Support', { strategy: 'least_busy' });
    await setDefaultGroup(world, group);
    const small = await addAgent(world, 'Small', { groups: [group], capacity: { chat: 2 } });
    const large = await addAgent(world, 'Large', { groups: [group], capacity: { chat: 10 } });
    for (let i = 0; i < 6; i++) await deliver(db(), envelope(world, { from: `c-${i}` }));
    const loads = await db()
      .selectFrom('conversations')
      .select(['assignee_id', db().fn.countAll<number>().as('n')])
      .where('tenant_id', '=', world.tenantId)
      .groupBy('assignee_id')
      .execute();
    const load = new Map(loads.map((l) => [l.assignee_id, Number(l.n)]));
    // 1/2 = 0.5 is busier than 4/10: the large agent takes more.
    expect(load.get(small)).toBe(1);
    expect(load.get(large)).toBe(5);
  });

  it('skill weighted gives the conversation to the highest level of the skill a rule asks for', async () => {
    const world = await createWorld(db(), 'skill');
    const billing = await addSkill(world, 'billing');
    const group = await addGroup(world, 'Billing', { strategy: 'skill_weighted' });
    await setDefaultGroup(world, group);
    await addRule(world, 1, [{ type: 'keyword', anyOf: ['invoice', '发票'] }], { requiredSkills: [{ skillId: billing, minLevel: 3 }] });
    await addAgent(world, 'Novice', { groups: [group], skills: { [billing]: 2 } });
    const expert = await addAgent(world, 'Expert', { groups: [group], skills: { [billing]: 5 } });
    const good = await addAgent(world, 'Good', { groups: [group], skills: { [billing]: 4 } });
    await deliver(db(), envelope(world, { from: 'x', text: '我的发票呢' }));
    expect((await conversationOf(db(), world, 'x')).assignee_id).toBe(expert);
    await db().updateTable('users').set({ agent_status: 'away' }).where('id', '=', expert).execute();
    await deliver(db(), envelope(world, { from: 'y', text: 'invoice missing' }));
    expect((await conversationOf(db(), world, 'y')).assignee_id).toBe(good);
    await db().updateTable('users').set({ agent_status: 'away' }).where('id', '=', good).execute();
    // Only the novice is left, below the level asked for: it waits.
    await deliver(db(), envelope(world, { from: 'z', text: 'invoice!' }));
    expect((await conversationOf(db(), world, 'z')).status).toBe('queued');
  });

  it('sticky brings a returning customer back to the agent who served them, if available, else round robin', async () => {
    const world = await createWorld(db(), 'sticky');
    const group = await addGroup(world, 'Support', { strategy: 'sticky', sticky_days: 7 });
    await setDefaultGroup(world, group, 0);
    const a = await addAgent(world, 'A', { groups: [group] });
    const b = await addAgent(world, 'B', { groups: [group] });
    await deliver(db(), envelope(world, { from: 'returning' }));
    const first = await conversationOf(db(), world, 'returning');
    const other = first.assignee_id === a ? b : a;
    await db().updateTable('conversations').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', first.id).execute();
    // Round robin alone would now pick the other agent (assigned longer ago); sticky picks the same one.
    await deliver(db(), envelope(world, { from: 'returning' }));
    const second = await conversationOf(db(), world, 'returning');
    expect(second.id).not.toBe(first.id);
    expect(second.assignee_id).toBe(first.assignee_id);
    await db().updateTable('conversations').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', second.id).execute();
    await db().updateTable('users').set({ agent_status: 'offline' }).where('id', '=', first.assignee_id!).execute();
    await deliver(db(), envelope(world, { from: 'returning' }));
    expect((await conversationOf(db(), world, 'returning')).assignee_id).toBe(other);
  });

  it("sticky forgets an agent after the group's window", async () => {
    const world = await createWorld(db(), 'sticky-old');
    const group = await addGroup(world, 'Support', { strategy: 'sticky', sticky_days: 1 });
    await setDefaultGroup(world, group, 0);
    await addAgent(world, 'A', { groups: [group] });
    await addAgent(world, 'B', { groups: [group] });
    await deliver(db(), envelope(world, { from: 'old' }));
    const first = await conversationOf(db(), world, 'old');
    await db().updateTable('conversations').set({ status: 'resolved', resolved_at: new Date() }).where('id', '=', first.id).execute();
    await db()
      .updateTable('assignment_log')
      .set({ at: new Date(Date.now() - 3 * 86_400_000) })
      .where('conversation_id', '=', first.id)
      .execute();
    await deliver(db(), envelope(world, { from: 'old' }));
    expect((await conversationOf(db(), world, 'old')).assignee_id).not.toBe(first.assignee_id);
  });

  it("manual claim: conversations wait in the group's line; of two claims at once one wins, the other gets a conflict", async () => {
    const world = await createWorld(db(), 'manual');
    const group = await addGroup(world, 'Claims', { strategy: 'manual' });
    await setDefaultGroup(world, group);
    const a = await addAgent(world, 'A', { groups: [group] });
    const b = await addAgent(world, 'B', { groups: [group] });
    await deliver(db(), envelope(world, { from: 'waiting' }));
    const conversation = await conversationOf(db(), world, 'waiting');
    expect(conversation.status).toBe('queued');
    const deps = depsFor(db());
    const results = await Promise.allSettled([
      claimConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, agentId: a }),
      claimConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, agentId: b }),
    ]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    const after = await conversationOf(db(), world, 'waiting');
    expect(after.status).toBe('assigned');
    expect([a, b]).toContain(after.assignee_id);
    const log = await db().selectFrom('assignment_log').selectAll().where('conversation_id', '=', conversation.id).execute();
    expect(log).toHaveLength(1);
  });

  it('a claim respects capacity and group membership', async () => {
    const world = await createWorld(db(), 'claim-rules');
    const group = await addGroup(world, 'Claims', { strategy: 'manual' });
    await setDefaultGroup(world, group);
    const full = await addAgent(world, 'Full', { groups: [group], capacity: { chat: 0 } });
    const outsider = await addAgent(world, 'Outsider');
    await deliver(db(), envelope(world, { from: 'w' }));
    const conversation = await conversationOf(db(), world, 'w');
    const deps = depsFor(db());
    await expect(claimConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, agentId: full })).rejects.toThrow(/capacity/);
    await expect(claimConversation(deps, { tenantId: world.tenantId, conversationId: conversation.id, agentId: outsider })).rejects.toThrow(
      /not in the conversation's group/,
    );
    const other = await createWorld(db(), 'claim-other');
    await expect(claimConversation(deps, { tenantId: other.tenantId, conversationId: conversation.id, agentId: full })).rejects.toThrow(/not found/);
  });

  it('a conversation reopened by the customer goes back to the agent who had it, when that agent has room', async () => {
    const world = await createWorld(db(), 'reopen-back');
    const group = await addGroup(world, 'Support');
    await setDefaultGroup(world, group, 3600);
    await addAgent(world, 'A', { groups: [group] });
    await addAgent(world, 'B', { groups: [group] });
    await deliver(db(), envelope(world, { from: 'back-again' }));
    const first = await conversationOf(db(), world, 'back-again');
    const { resolveConversation } = await import('../router/actions.js');
    await resolveConversation(depsFor(db()), { tenantId: world.tenantId, conversationId: first.id, actorId: first.assignee_id! });
    // Round robin alone would pick the other agent now.
    await deliver(db(), envelope(world, { from: 'back-again' }));
    const reopened = await conversationOf(db(), world, 'back-again');
    expect(reopened).toMatchObject({ id: first.id, status: 'assigned', assignee_id: first.assignee_id });
  });
});
