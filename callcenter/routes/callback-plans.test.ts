import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../test/support/router-world.js';
import { buildCompany, type Company } from '../../test/support/console-world.js';
import { startTestConsole, type TestConsole } from '../../test/support/console.js';
import { mayReceive } from '../../console/server/realtime/event-visibility.js';

describe('callback plans', () => {
  let tc: TestConsole;
  let co: Company;

  beforeAll(async () => {
    tc = await startTestConsole();
    co = await buildCompany(tc, 'callbacks');
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  const dueEvents = async () =>
    (
      await tc.ctx.database.db
        .selectFrom('outbox')
        .select('payload')
        .where('tenant_id', '=', co.tenantId)
        .where('kind', '=', 'callback.due')
        .orderBy('id')
        .execute()
    ).map((r) => r.payload as { agentId: string; plan: { id: string; note: string } });

  it('reminds the agent when a planned callback comes due, and can be rescheduled', async () => {
    const agent = co.clients.salesAgent;
    const contactId = co.conversations.salesQueued.contactId;
    const noPhone = await agent.post('/api/callback-plans', { contactId, dueAt: new Date().toISOString() });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.issues[0].field).toBe('phone');

    const soon = await agent.post('/api/callback-plans', {
      contactId,
      phone: '+8613812345678',
      dueAt: new Date(Date.now() + 1000).toISOString(),
      note: '确认发货日期',
    });
    expect(soon.status).toBe(201);
    expect(soon.body).toMatchObject({ agentId: co.users.salesAgent, status: 'planned', phone: '+8613812345678' });
    const later = await agent.post('/api/callback-plans', {
      contactId,
      phone: '+8613812345678',
      dueAt: new Date(Date.now() + 3_600_000).toISOString(),
      note: 'later',
    });

    const first = await waitFor(async () => (await dueEvents()).find((e) => e.plan.id === soon.body.id), 10_000);
    expect(first).toMatchObject({ agentId: co.users.salesAgent, plan: { note: '确认发货日期' } });
    expect((await dueEvents()).some((e) => e.plan.id === later.body.id)).toBe(false);
    // Only its agent hears the reminder.
    const envelope = { tenantId: co.tenantId, kind: 'callback.due', payload: first as unknown as Record<string, unknown> };
    const principal = (userId: string) => ({ tenantId: co.tenantId, userId, roleId: '', roleName: 'agent', permissions: new Set<never>(), groupIds: [] });
    expect(mayReceive(principal(co.users.salesAgent), envelope)).toBe(true);
    expect(mayReceive(principal(co.users.supportAgent), envelope)).toBe(false);

    const moved = await agent.patch(`/api/callback-plans/${later.body.id}`, { dueAt: new Date(Date.now() + 500).toISOString() });
    expect(moved.status).toBe(200);
    await waitFor(async () => (await dueEvents()).some((e) => e.plan.id === later.body.id), 10_000);
    expect((await dueEvents()).filter((e) => e.plan.id === soon.body.id)).toHaveLength(1);
  }, 30_000);

  it('is reassigned only by those who may assign, and closes with a result', async () => {
    const agent = co.clients.salesAgent;
    const plan = (
      await agent.post('/api/callback-plans', {
        contactId: co.conversations.salesQueued.contactId,
        phone: '13800000000',
        dueAt: new Date(Date.now() + 3_600_000).toISOString(),
      })
    ).body;
    expect((await agent.patch(`/api/callback-plans/${plan.id}`, { agentId: co.users.supportAgent })).status).toBe(403);
    expect((await co.clients.admin.patch(`/api/callback-plans/${plan.id}`, { agentId: co.users.supportAgent })).status).toBe(200);
    expect((await agent.get('/api/callback-plans')).body.plans.map((p: { id: string }) => p.id)).not.toContain(plan.id);
    const support = co.clients.supportAgent;
    expect((await support.get('/api/callback-plans?status=planned')).body.plans.map((p: { id: string }) => p.id)).toContain(plan.id);
    expect((await support.patch(`/api/callback-plans/${plan.id}`, { status: 'done' })).status).toBe(400);
    const done = await support.patch(`/api/callback-plans/${plan.id}`, { status: 'done', result: 'Customer confirmed' });
    expect(done.body).toMatchObject({ status: 'done', result: 'Customer confirmed' });
    expect(await tc.ctx.database.db.selectFrom('jobs').select('id').where('key', '=', `voice.callback_due:${plan.id}`).executeTakeFirst()).toBeUndefined();
    expect((await support.patch(`/api/callback-plans/${plan.id}`, { note: 'again' })).status).toBe(400);
  });
});
