import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChanges, lockTicket } from './changes.js';
import { runTimeRules } from './automations.js';
import { createTicket } from './create.js';
import { registerTicketTimers } from './timers.js';
import { testJobRunner } from '../test/support/jobs.js';
import type { JobRunner } from '../core/jobs/runner.js';
import { buildCompany, type Company } from '../test/support/console-world.js';
import { startTestConsole, type TestConsole } from '../test/support/console.js';

const DAY = 86_400_000;

describe('ticket automations', () => {
  let tc: TestConsole;
  let co: Company;
  let timers: JobRunner;
  const db = () => tc.ctx.database.db;
  const admin = { type: 'user' as const, id: '' };

  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES_PER_IP: '100000' } });
    co = await buildCompany(tc, 'auto');
    admin.id = co.users.admin;
    timers = testJobRunner(db(), { clock: () => new Date(0) });
    registerTicketTimers(timers, db());
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  const open = (subject: string, at: Date, extra: { priority?: 'low' | 'normal' | 'high' | 'urgent'; groupId?: string } = {}) =>
    db()
      .transaction()
      .execute((trx) =>
        createTicket(trx, co.tenantId, { subject, requesterId: co.conversations.ungrouped.contactId, via: 'api', ...extra }, { actor: admin, now: at }),
      );
  const change = (id: string, patch: Parameters<typeof applyChanges>[2], at: Date) =>
    db()
      .transaction()
      .execute(async (trx) => (await applyChanges(trx, await lockTicket(trx, co.tenantId, id), patch, { actor: admin, now: at })).ticket);

  it('closes solved tickets after 7 days, once, and logs the firing in the ticket’s history', async () => {
    const rule = await co.clients.admin.post('/api/automations', {
      name: 'Close solved after 7 days',
      kind: 'time',
      conditions: [
        { field: 'status', op: 'is', value: 'solved' },
        { field: 'hours_since_status_change', op: 'gte', value: 168 },
      ],
      actions: [{ type: 'set_status', value: 'closed' }],
    });
    expect(rule.status).toBe(201);
    const t0 = new Date('2027-05-03T08:00:00Z');
    const ticket = await open('Old question', t0);
    const still = await open('Solved later', t0);
    await change(ticket.id, { status: 'solved' }, new Date(t0.getTime() + DAY));
    await change(still.id, { status: 'solved' }, new Date(t0.getTime() + 3 * DAY));

    expect(await runTimeRules(db(), new Date(t0.getTime() + 8 * DAY - 60_000))).toBe(0);
    expect(await runTimeRules(db(), new Date(t0.getTime() + 8 * DAY))).toBe(1);
    const closed = await db().selectFrom('tickets').select('status').where('id', '=', ticket.id).executeTakeFirstOrThrow();
    expect(closed.status).toBe('closed');
    expect((await db().selectFrom('tickets').select('status').where('id', '=', still.id).executeTakeFirstOrThrow()).status).toBe('solved');
    // Never twice for the same stretch.
    expect(await runTimeRules(db(), new Date(t0.getTime() + 9 * DAY))).toBe(0);

    const page = (await co.clients.admin.get(`/api/tickets/${ticket.id}`)).body;
    expect(page.history.at(-1)).toMatchObject({ field: 'status', from: 'solved', to: 'closed', actorType: 'automation', actorId: rule.body.id });
    expect(page.automationRuns).toEqual([expect.objectContaining({ name: 'Close solved after 7 days', event: 'time' })]);
    const runs = await co.clients.admin.get(`/api/automations/${rule.body.id}/runs`);
    expect(runs.body.runs.map((r: { ticketId: string }) => r.ticketId)).toEqual([ticket.id]);
    await co.clients.admin.delete(`/api/automations/${rule.body.id}`);
  });

  it('reminds the assignee of a ticket pending for 3 days, again only after it has left pending and come back', async () => {
    const rule = await co.clients.admin.post('/api/automations', {
      name: 'Pending 3 days',
      kind: 'time',
      conditions: [
        { field: 'status', op: 'is', value: 'pending' },
        { field: 'hours_since_status_change', op: 'gte', value: 72 },
      ],
      actions: [
        { type: 'notify', to: 'assignee', text: 'Still waiting on the customer' },
        { type: 'add_tag', tag: 'reminded' },
      ],
    });
    expect(rule.status).toBe(201);
    const t0 = new Date('2027-06-01T08:00:00Z');
    const ticket = await open('Waiting', t0);
    await change(ticket.id, { status: 'pending', assigneeId: co.users.salesAgent }, t0);
    expect(await runTimeRules(db(), new Date(t0.getTime() + 3 * DAY))).toBe(1);
    const notices = await db().selectFrom('outbox').select('payload').where('tenant_id', '=', co.tenantId).where('kind', '=', 'ticket.notify').execute();
    expect(notices.map((n) => n.payload)).toEqual([expect.objectContaining({ agentId: co.users.salesAgent, text: 'Still waiting on the customer' })]);
    expect(await runTimeRules(db(), new Date(t0.getTime() + 5 * DAY))).toBe(0);
    await change(ticket.id, { status: 'open' }, new Date(t0.getTime() + 5 * DAY));
    await change(ticket.id, { status: 'pending' }, new Date(t0.getTime() + 6 * DAY));
    expect(await runTimeRules(db(), new Date(t0.getTime() + 9 * DAY))).toBe(1);
    await co.clients.admin.delete(`/api/automations/${rule.body.id}`);
  });

  it('stops two triggers that undo each other instead of looping, and logs each firing once', async () => {
    const up = await co.clients.admin.post('/api/automations', {
      name: 'Low becomes high',
      kind: 'trigger',
      events: ['ticket.updated'],
      conditions: [{ field: 'priority', op: 'is', value: 'low' }],
      actions: [{ type: 'set_priority', value: 'high' }],
    });
    const down = await co.clients.admin.post('/api/automations', {
      name: 'High becomes low',
      kind: 'trigger',
      events: ['ticket.updated'],
      conditions: [{ field: 'priority', op: 'is', value: 'high' }],
      actions: [{ type: 'set_priority', value: 'low' }],
    });
    expect([up.status, down.status]).toEqual([201, 201]);
    const ticket = await open('Ping pong', new Date());
    const after = await change(ticket.id, { priority: 'low' }, new Date());
    expect(after.priority).toBe('low');
    const runs = await db().selectFrom('automation_runs').select('automation_id').where('ticket_id', '=', ticket.id).orderBy('id').execute();
    expect(runs.map((r) => r.automation_id)).toEqual([up.body.id, down.body.id]);
    await co.clients.admin.delete(`/api/automations/${up.body.id}`);
    await co.clients.admin.delete(`/api/automations/${down.body.id}`);
  });

  it('acts on an SLA breach and on new tickets: escalates to a group, tags, and answers with a reply template filled with the requester’s name', async () => {
    await db()
      .insertInto('channels')
      .values({ tenant_id: co.tenantId, type: 'email', name: 'Mail', config: JSON.stringify({ fromAddress: 'help@auto.example' }) })
      .execute();
    await db().updateTable('contacts').set({ name: '王芳' }).where('id', '=', co.conversations.ungrouped.contactId).execute();
    const canned = await co.clients.admin.post('/api/canned-responses', {
      shortcut: 'ack',
      title: 'Acknowledge',
      body: '{{contact.name}}，我们已收到您的问题，会尽快处理。',
    });
    await co.clients.admin.post('/api/automations', {
      name: 'Acknowledge urgent',
      kind: 'trigger',
      events: ['ticket.created'],
      conditions: [{ field: 'priority', op: 'is', value: 'urgent' }],
      actions: [
        { type: 'add_tag', tag: 'urgent' },
        { type: 'reply', cannedResponseId: canned.body.id },
      ],
    });
    await co.clients.admin.post('/api/automations', {
      name: 'Escalate breaches',
      kind: 'trigger',
      events: ['sla.breached'],
      conditions: [{ field: 'sla_metric', op: 'is', value: 'firstResponse' }],
      actions: [
        { type: 'assign', groupId: co.groups.support, assigneeId: null },
        { type: 'add_tag', tag: 'escalated' },
      ],
    });
    await co.clients.admin.post('/api/sla-policies', { name: 'Urgent', warnBeforeMinutes: 0, targets: { urgent: { firstResponse: 30 } } });
    const t0 = new Date('2027-07-01T08:00:00Z');
    const ticket = await open('Site down', t0, { priority: 'urgent', groupId: co.groups.sales });
    expect(ticket.tags).toEqual(['urgent']);
    const page = (await co.clients.admin.get(`/api/tickets/${ticket.id}`)).body;
    expect(page.comments).toEqual([expect.objectContaining({ public: true, authorType: 'system', body: '王芳，我们已收到您的问题，会尽快处理。' })]);
    // The template is no agent's answer: the first-response clock still runs, and breaches.
    expect(await timers.runDue(new Date(t0.getTime() + 30 * 60_000))).toBe(1);
    const escalated = await db().selectFrom('tickets').select(['group_id', 'tags']).where('id', '=', ticket.id).executeTakeFirstOrThrow();
    expect(escalated).toEqual({ group_id: co.groups.support, tags: ['escalated', 'urgent'] });
  });

  it('refuses rules that could fire on everything or reach another company’s rows', async () => {
    const noWait = await co.clients.admin.post('/api/automations', {
      name: 'x',
      kind: 'time',
      conditions: [{ field: 'status', op: 'is', value: 'solved' }],
      actions: [{ type: 'set_status', value: 'closed' }],
    });
    expect(noWait.status).toBe(400);
    const foreign = await co.clients.admin.post('/api/automations', {
      name: 'y',
      kind: 'trigger',
      events: ['ticket.created'],
      actions: [{ type: 'assign', groupId: '00000000-0000-4000-8000-000000000000' }],
    });
    expect(foreign.body.issues).toEqual([{ field: 'actions.0.groupId', message: 'no such group' }]);
    expect((await co.clients.salesAgent.get('/api/automations')).status).toBe(403);
  });
});
