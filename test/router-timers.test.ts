import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { queueReply } from '../core/conversations/reply.js';
import { registerRouterTimers } from '../router/timers/runner.js';
import { testJobRunner } from './support/jobs.js';
import { DATABASE_URL, freshDatabase } from './support/services.js';
import { addAgent, addGroup, conversationOf, createWorld, deliver, depsFor, envelope, outboxKinds, setDefaultGroup, waitFor } from './support/router-world.js';

describe('router timers', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase();
  });
  afterAll(() => handle?.drop());
  const db = () => handle.db;
  // The tests share a database and runDue counts every due timer: a timer one test leaves behind
  // (a fresh one-second no-answer timer) must not fall due inside the next test's count.
  afterEach(async () => {
    await db().deleteFrom('jobs').execute();
  });
  /** A runner with the router's timers only, as a router process registers them. */
  const routerTimers = (options: { pollMs?: number } = {}) => {
    const deps = depsFor(db());
    const runner = testJobRunner(db(), { ...options, poke: () => deps.relay.poke() });
    registerRouterTimers(runner, deps);
    return runner;
  };
  const runner = () => routerTimers();
  const makeDue = (conversationId: string) =>
    db().updateTable('jobs').set({ run_at: sql`now() - interval '1 second'` }).where('key', 'like', `%:${conversationId}`).execute();

  it('re-routes a conversation whose agent has not answered in time, and sets that agent away', async () => {
    const world = await createWorld(db(), 'no-answer');
    const group = await addGroup(world, 'Support', { no_answer_seconds: 1, no_answer_set_away: true });
    await setDefaultGroup(world, group);
    const a = await addAgent(world, 'A', { groups: [group] });
    const b = await addAgent(world, 'B', { groups: [group] });
    await deliver(db(), envelope(world, { from: 'silent' }));
    const first = await conversationOf(db(), world, 'silent');
    const other = first.assignee_id === a ? b : a;
    // A real runner, on its own clock: within a couple of seconds the conversation moves on.
    const live = routerTimers({ pollMs: 100 });
    live.start();
    try {
      await waitFor(async () => (await conversationOf(db(), world, 'silent')).assignee_id === other, 10_000);
    } finally {
      await live.stop();
    }
    const silentAgent = await db().selectFrom('users').select('agent_status').where('id', '=', first.assignee_id!).executeTakeFirstOrThrow();
    expect(silentAgent.agent_status).toBe('away');
    const kinds = await outboxKinds(db(), world);
    expect(kinds).toContain('conversation.transferred');
    expect(kinds).toContain('agent.status');
  });

  it('leaves a conversation with the agent who answered', async () => {
    const world = await createWorld(db(), 'answered');
    const group = await addGroup(world, 'Support', { no_answer_seconds: 30 });
    await setDefaultGroup(world, group);
    await addAgent(world, 'A', { groups: [group] });
    await addAgent(world, 'B', { groups: [group] });
    await deliver(db(), envelope(world, { from: 'served' }));
    const conversation = await conversationOf(db(), world, 'served');
    await queueReply(db(), {
      tenantId: world.tenantId,
      conversationId: conversation.id,
      sender: { type: 'agent', id: conversation.assignee_id },
      parts: [{ type: 'text', text: '您好' }],
    });
    await makeDue(conversation.id);
    expect(await runner().runDue()).toBe(1);
    expect((await conversationOf(db(), world, 'served')).assignee_id).toBe(conversation.assignee_id);
  });

  it('moves a conversation that waited too long to the overflow group', async () => {
    const world = await createWorld(db(), 'overflow');
    const backup = await addGroup(world, 'Backup');
    const front = await addGroup(world, 'Front', { overflow_group_id: backup, overflow_after_seconds: 60 });
    await setDefaultGroup(world, front);
    const helper = await addAgent(world, 'Helper', { groups: [backup] });
    await deliver(db(), envelope(world, { from: 'waiting' }));
    const conversation = await conversationOf(db(), world, 'waiting');
    expect(conversation).toMatchObject({ status: 'queued', group_id: front });
    expect(await runner().runDue()).toBe(0); // not due for a minute
    await makeDue(conversation.id);
    expect(await runner().runDue()).toBe(1);
    expect(await conversationOf(db(), world, 'waiting')).toMatchObject({ status: 'assigned', group_id: backup, assignee_id: helper });
  });

  it('resolves a conversation after inactivity, and waits longer when someone wrote since', async () => {
    const world = await createWorld(db(), 'idle');
    const group = await addGroup(world, 'Support', { auto_resolve_after_seconds: 600 });
    await setDefaultGroup(world, group);
    await addAgent(world, 'A', { groups: [group], capacity: { chat: 1 } });
    await deliver(db(), envelope(world, { from: 'idle' }));
    await deliver(db(), envelope(world, { from: 'next-in-line' }));
    const conversation = await conversationOf(db(), world, 'idle');
    await makeDue(conversation.id);
    expect(await runner().runDue()).toBe(1);
    expect((await conversationOf(db(), world, 'idle')).status).toBe('assigned');
    const job = await db().selectFrom('jobs').selectAll().where('key', '=', `router.auto_resolve:${conversation.id}`).executeTakeFirstOrThrow();
    expect(job.run_at.getTime()).toBeGreaterThan(Date.now() + 500_000);

    await db().updateTable('conversations').set({ last_message_at: sql`now() - interval '11 minutes'` }).where('id', '=', conversation.id).execute();
    await makeDue(conversation.id);
    expect(await runner().runDue()).toBe(1);
    expect((await conversationOf(db(), world, 'idle')).status).toBe('resolved');
    // Its seat went to the next in line at once.
    expect((await conversationOf(db(), world, 'next-in-line')).status).toBe('assigned');
  });

  it.skipIf(!DATABASE_URL)('runs each due timer exactly once with several runners at the same time', async () => {
    const world = await createWorld(db(), 'many-runners');
    const backup = await addGroup(world, 'Backup');
    const front = await addGroup(world, 'Front', { overflow_group_id: backup, overflow_after_seconds: 60 });
    await setDefaultGroup(world, front);
    await addAgent(world, 'Helper', { groups: [backup], capacity: { chat: 100 } });
    await deliver(db(), ...Array.from({ length: 40 }, (_, i) => envelope(world, { from: `w-${i}` })));
    await db().updateTable('jobs').set({ run_at: sql`now() - interval '1 second'` }).where('tenant_id', '=', world.tenantId).execute();
    // Only this company's timers are due (the earlier tests leave some of their own).
    await db().deleteFrom('jobs').where('tenant_id', '<>', world.tenantId).execute();
    const runs = await Promise.all(Array.from({ length: 4 }, () => runner().runDue()));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(40);
    const log = await db().selectFrom('assignment_log').select(['conversation_id']).where('tenant_id', '=', world.tenantId).execute();
    expect(log).toHaveLength(40);
    expect(new Set(log.map((l) => l.conversation_id)).size).toBe(40);
    expect(await db().selectFrom('jobs').select('id').where('tenant_id', '=', world.tenantId).where('kind', '=', 'router.overflow').execute()).toHaveLength(0);
  });
});
