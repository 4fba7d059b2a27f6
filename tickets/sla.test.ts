import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addComment } from './comments.js';
import { createTicket } from './create.js';
import { customerReplied } from './inbound.js';
import { lockTicket } from './changes.js';
import { registerTicketTimers } from './timers.js';
import { testJobRunner } from '../test/support/jobs.js';
import type { JobRunner } from '../core/jobs/runner.js';
import { buildCompany, type Company } from '../test/support/console-world.js';
import { startTestConsole, type TestConsole } from '../test/support/console.js';

/** Shanghai time on a given day of March 2027 (the 5th is a Friday, the 8th a Monday) as an instant. */
const shanghai = (day: number, hh: number, mm = 0) => new Date(Date.UTC(2027, 2, day, hh - 8, mm));

describe('SLA policies', () => {
  let tc: TestConsole;
  let co: Company;
  let timers: JobRunner;
  const db = () => tc.ctx.database.db;

  beforeAll(async () => {
    tc = await startTestConsole({ env: { SIGN_IN_FREE_FAILURES_PER_IP: '100000' } });
    co = await buildCompany(tc, 'sla');
    // Support works 09:00–18:00 Shanghai time, Monday to Friday.
    const calendar = await co.clients.admin.post('/api/business-hours', {
      name: 'Shanghai office',
      timeZone: 'Asia/Shanghai',
      weeklyHours: [[], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], [['09:00', '18:00']], []],
    });
    expect(calendar.status).toBe(201);
    await db().updateTable('groups').set({ calendar_id: calendar.body.id }).where('id', '=', co.groups.support).execute();
    const policy = await co.clients.admin.post('/api/sla-policies', {
      name: 'Standard',
      warnBeforeMinutes: 30,
      targets: { high: { firstResponse: 120, nextResponse: 60, resolution: 960 } },
    });
    expect(policy.status).toBe(201);
    // The test's own clock: it is handed the time, it never waits for it.
    timers = testJobRunner(db(), { clock: () => new Date(0) });
    registerTicketTimers(timers, db());
  }, 60_000);
  afterAll(async () => {
    await tc?.stop();
  });

  const open = (subject: string, at: Date) =>
    db()
      .transaction()
      .execute((trx) =>
        createTicket(
          trx,
          co.tenantId,
          { subject, requesterId: co.conversations.supportAssigned.contactId, groupId: co.groups.support, priority: 'high', via: 'api' },
          { actor: { type: 'user', id: co.users.admin }, now: at },
        ),
      );

  const slaEvents = async (ticketId: string) =>
    (
      await db()
        .selectFrom('outbox')
        .select(['kind', 'payload'])
        .where('tenant_id', '=', co.tenantId)
        .where('kind', 'in', ['ticket.sla_warning', 'ticket.sla_breached'])
        .orderBy('id')
        .execute()
    )
      .filter((e) => (e.payload as { ticket: { id: string } }).ticket.id === ticketId)
      .map((e) => `${e.kind}:${(e.payload as { metric: string }).metric}`);

  it('fires the first-response breach at the right business-hours time: Friday 17:00 plus two hours is Monday 10:00', async () => {
    const ticket = await open('Printer on fire', shanghai(5, 17));
    expect(ticket.sla.clocks?.firstResponse).toMatchObject({ dueAt: shanghai(8, 10).toISOString(), warnAt: shanghai(8, 9, 30).toISOString(), state: 'active' });
    const job = await db().selectFrom('jobs').select(['run_at', 'kind']).where('key', '=', `ticket.sla:${ticket.id}:firstResponse`).executeTakeFirstOrThrow();
    expect(job.run_at.toISOString()).toBe(shanghai(8, 9, 30).toISOString());

    // Over the weekend nothing happens, however long it is.
    await timers.runDue(shanghai(7, 23, 59));
    await timers.runDue(shanghai(8, 9, 29));
    expect(await slaEvents(ticket.id)).toEqual([]);
    await timers.runDue(shanghai(8, 9, 30));
    expect(await slaEvents(ticket.id)).toEqual(['ticket.sla_warning:firstResponse']);
    await timers.runDue(shanghai(8, 9, 59));
    expect(await slaEvents(ticket.id)).toEqual(['ticket.sla_warning:firstResponse']);
    await timers.runDue(shanghai(8, 10, 0));
    expect(await slaEvents(ticket.id)).toEqual(['ticket.sla_warning:firstResponse', 'ticket.sla_breached:firstResponse']);

    // The ticket list shows the breach as a badge, and filters by it.
    const listed = await co.clients.supportAgent.get('/api/tickets?sla=breached');
    expect(listed.body.tickets.find((t: { id: string }) => t.id === ticket.id)?.sla).toEqual({
      state: 'breached',
      metric: 'firstResponse',
      dueAt: shanghai(8, 10).toISOString(),
    });
  });

  it('stops the clock when an agent answers in time: no breach, and the next-response clock starts when the customer writes again', async () => {
    const ticket = await open('Login fails', shanghai(5, 17));
    await db()
      .transaction()
      .execute(async (trx) =>
        addComment(
          trx,
          await lockTicket(trx, co.tenantId, ticket.id),
          { body: 'Looking into it.', public: false },
          { actor: { type: 'user', id: co.users.supportAgent }, now: shanghai(8, 9, 0) },
        ),
      );
    // A note is not an answer to the customer.
    const afterNote = await db().selectFrom('tickets').select('sla').where('id', '=', ticket.id).executeTakeFirstOrThrow();
    expect(afterNote.sla.clocks?.firstResponse?.state).toBe('active');
    await db().updateTable('tickets').set({ conversation_id: co.conversations.supportAssigned.conversationId }).where('id', '=', ticket.id).execute();
    await db()
      .transaction()
      .execute(async (trx) =>
        addComment(
          trx,
          await lockTicket(trx, co.tenantId, ticket.id),
          { body: 'Please reset your password.', public: true },
          { actor: { type: 'user', id: co.users.supportAgent }, now: shanghai(8, 9, 45) },
        ),
      );
    await timers.runDue(shanghai(8, 12));
    expect(await slaEvents(ticket.id)).toEqual([]);
    const met = await db().selectFrom('tickets').select(['sla', 'status']).where('id', '=', ticket.id).executeTakeFirstOrThrow();
    expect(met.sla.clocks?.firstResponse).toMatchObject({ state: 'met', metAt: shanghai(8, 9, 45).toISOString() });
    expect(met.status).toBe('open');
    expect(await db().selectFrom('jobs').select('id').where('key', '=', `ticket.sla:${ticket.id}:firstResponse`).executeTakeFirst()).toBeUndefined();

    const conversationId = co.conversations.supportAssigned.conversationId;
    const row = await db()
      .insertInto('messages')
      .values({
        tenant_id: co.tenantId,
        conversation_id: conversationId,
        channel_id: co.channelId,
        direction: 'in',
        sender_type: 'contact',
        sender_id: null,
        external_id: 'sla-again-1',
        client_id: null,
        content: JSON.stringify([{ type: 'text', text: 'Still broken.' }]),
        error: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const landed = await customerReplied(
      db(),
      co.tenantId,
      {
        id: row.id,
        conversationId,
        direction: 'in',
        senderType: 'contact',
        senderId: null,
        private: false,
        parts: [{ type: 'text', text: 'Still broken.' }],
        status: 'received',
        createdAt: '',
      },
      shanghai(8, 10, 30),
    );
    expect(landed).toContain(ticket.id);
    const waiting = await db().selectFrom('tickets').select('sla').where('id', '=', ticket.id).executeTakeFirstOrThrow();
    expect(waiting.sla.clocks?.nextResponse).toMatchObject({ state: 'active', dueAt: shanghai(8, 11, 30).toISOString() });
  });

  it('re-times a counting clock when the priority changes, and drops it when the new priority has no target', async () => {
    const ticket = await open('Slow page', shanghai(8, 9));
    const { applyChanges } = await import('./changes.js');
    const lowered = await db()
      .transaction()
      .execute(async (trx) =>
        applyChanges(
          trx,
          await lockTicket(trx, co.tenantId, ticket.id),
          { priority: 'low' },
          { actor: { type: 'user', id: co.users.admin }, now: shanghai(8, 9, 10) },
        ),
      );
    expect(lowered.ticket.sla.clocks?.firstResponse?.state).toBe('cancelled');
    expect(await db().selectFrom('jobs').select('id').where('key', 'like', `ticket.sla:${ticket.id}:%`).execute()).toEqual([]);
  });
  it('stands the clocks still while the ticket is pending and counts on from where they stood when it opens again', async () => {
    const { applyChanges } = await import('./changes.js');
    const change = (id: string, status: 'pending' | 'open' | 'solved', at: Date) =>
      db()
        .transaction()
        .execute(
          async (trx) =>
            (await applyChanges(trx, await lockTicket(trx, co.tenantId, id), { status }, { actor: { type: 'user', id: co.users.supportAgent }, now: at }))
              .ticket,
        );
    // Monday 09:00: first response due 11:00, resolution (16 business hours) due Tuesday 16:00.
    const ticket = await open('Refund not received', shanghai(8, 9));
    expect(ticket.sla.clocks?.resolution?.dueAt).toBe(shanghai(9, 16).toISOString());
    // Monday 10:00 it waits on the customer: one hour of the first response and 15 of the resolution left.
    const pending = await change(ticket.id, 'pending', shanghai(8, 10));
    expect(pending.sla.clocks?.firstResponse).toMatchObject({ state: 'paused', dueLeftMinutes: 60, warnLeftMinutes: 30 });
    expect(pending.sla.clocks?.resolution).toMatchObject({ state: 'paused', dueLeftMinutes: 900 });
    expect(await db().selectFrom('jobs').select('id').where('key', 'like', `ticket.sla:${ticket.id}:%`).execute()).toEqual([]);
    // Past both old targets, nothing fires and the list shows the clock paused (the nearer one, since it stopped).
    await timers.runDue(shanghai(9, 17));
    expect(await slaEvents(ticket.id)).toEqual([]);
    const listed = await co.clients.supportAgent.get('/api/tickets?status=pending');
    expect(listed.body.tickets.find((t: { id: string }) => t.id === ticket.id)?.sla).toEqual({
      state: 'paused',
      metric: 'firstResponse',
      dueAt: shanghai(8, 10).toISOString(),
    });

    // Wednesday 14:00 it is open again: first response due 15:00 (warning 14:30); resolution's
    // 900 minutes run Wednesday 14:00–18:00, Thursday 09:00–18:00 and Friday 09:00–11:00.
    const reopened = await change(ticket.id, 'open', shanghai(10, 14));
    // It stood still Monday 10:00–18:00, Tuesday 09:00–18:00 and Wednesday 09:00–14:00: 1,320 business minutes.
    expect(reopened.sla.clocks?.firstResponse).toEqual({
      startedAt: shanghai(8, 9).toISOString(),
      state: 'active',
      warnAt: shanghai(10, 14, 30).toISOString(),
      dueAt: shanghai(10, 15).toISOString(),
      pausedMinutes: 1320,
    });
    expect(reopened.sla.clocks?.resolution).toMatchObject({
      state: 'active',
      dueAt: shanghai(12, 11).toISOString(),
      warnAt: shanghai(12, 10, 30).toISOString(),
    });
    await timers.runDue(shanghai(10, 14, 29));
    expect(await slaEvents(ticket.id)).toEqual([]);
    await timers.runDue(shanghai(10, 15));
    expect(await slaEvents(ticket.id)).toEqual(['ticket.sla_warning:firstResponse', 'ticket.sla_breached:firstResponse']);

    // Pending again, then solved from pending: the resolution target is met, nothing is left to fire.
    await change(ticket.id, 'pending', shanghai(11, 9));
    const solved = await change(ticket.id, 'solved', shanghai(11, 10));
    expect(solved.sla.clocks?.resolution).toMatchObject({ state: 'met', metAt: shanghai(11, 10).toISOString() });
    expect(solved.sla.clocks?.resolution?.pausedAt).toBeUndefined();
    await timers.runDue(shanghai(15, 18));
    expect(await slaEvents(ticket.id)).toEqual(['ticket.sla_warning:firstResponse', 'ticket.sla_breached:firstResponse']);
  });
  it('keeps the time a clock stood still out of a new target when the priority changes after a pause', async () => {
    const { applyChanges } = await import('./changes.js');
    const policy = await db().selectFrom('sla_policies').select(['id', 'targets']).where('tenant_id', '=', co.tenantId).executeTakeFirstOrThrow();
    await db()
      .updateTable('sla_policies')
      .set({ targets: JSON.stringify({ ...policy.targets, urgent: { firstResponse: 180 } }) })
      .where('id', '=', policy.id)
      .execute();
    const change = (id: string, changes: { status?: 'pending' | 'open'; priority?: 'urgent' | 'high' }, at: Date) =>
      db()
        .transaction()
        .execute(
          async (trx) =>
            (await applyChanges(trx, await lockTicket(trx, co.tenantId, id), changes, { actor: { type: 'user', id: co.users.supportAgent }, now: at })).ticket,
        );
    const ticket = await open('Wrong size', shanghai(8, 9));
    await change(ticket.id, { status: 'pending' }, shanghai(8, 10));
    await change(ticket.id, { status: 'open' }, shanghai(10, 14));
    // Urgent: 180 minutes, of which 60 went before the pause: due two business hours after it ended.
    const urgent = await change(ticket.id, { priority: 'urgent' }, shanghai(10, 14, 10));
    expect(urgent.sla.clocks?.firstResponse).toMatchObject({ state: 'active', dueAt: shanghai(10, 16).toISOString(), pausedMinutes: 1320 });

    // Made urgent while pending: 180 minutes, 60 used before the pause, 120 left when it opens again.
    const other = await open('Wrong colour', shanghai(8, 9));
    await change(other.id, { status: 'pending' }, shanghai(8, 10));
    const paused = await change(other.id, { priority: 'urgent' }, shanghai(9, 12));
    expect(paused.sla.clocks?.firstResponse).toMatchObject({ state: 'paused', dueLeftMinutes: 120, warnLeftMinutes: 90 });
    // Opened again and made high at once: resumed, then re-timed to 120 minutes with the pause left out.
    const both = await change(other.id, { status: 'open', priority: 'high' }, shanghai(10, 14));
    expect(both.sla.clocks?.firstResponse).toMatchObject({ state: 'active', dueAt: shanghai(10, 15).toISOString(), pausedMinutes: 1320 });
  });

  it('takes only the installed channel types in a policy’s match, naming the one it refuses', async () => {
    const targets = { low: { firstResponse: 60 } };
    const refused = await co.clients.admin.post('/api/sla-policies', { name: 'Chat', match: { channelTypes: ['email', 'Web chat'] }, targets });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.body)).toContain('match.channelTypes.1');
    const kept = await co.clients.admin.post('/api/sla-policies', { name: 'Mail', enabled: false, match: { channelTypes: ['email'] }, targets });
    expect(kept.status).toBe(201);
  });
});
