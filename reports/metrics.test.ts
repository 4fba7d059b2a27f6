import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../core/db/database.js';
import type { Bus } from '../core/bus/bus.js';
import { freshDatabase, DATABASE_URL } from '../test/support/services.js';
import { ReportsConsumer } from './consumer.js';
import { rebuildReports } from './rollup/refresh.js';
import { CONVERSATION_COLUMNS } from './queries/figures.js';
import { runReport } from './queries/reports.js';
import { sumRollup } from './queries/rollup-query.js';
import type { SurveyTables } from '../surveys/part.js';
import { reportDb } from './schema.js';

/*
 * A hand-checked Monday (2026-03-02, UTC; the group's business hours Mon–Fri 09:00–17:00 UTC):
 *
 * X (tag vip): created 08:30 queued in Support; assigned to Ann 09:10 (waited 2,400 s); first reply
 *   09:20 (3,000 s; 1,200 s in business hours); resolved 10:00 (5,400 s; business 3,600 s);
 *   reopened 10:30, assigned to Ann 10:35, resolved 11:05 (2,100 s from the reopening; business 2,100 s).
 * Y: created 16:50 queued; resolved 17:10 still waiting: abandoned after 1,200 s (resolution 1,200 s; business 600 s).
 * Z: created 17:30, assigned to Ann 17:35; first reply Tuesday 09:30 (57,600 s; business 1,800 s).
 * Messages in: 08:30, 10:30, 16:50, 17:30 = 4; out (agents' replies, the 09:25 note excluded): 09:20, 10:40, Tue 09:30 = 3.
 * Ann: offline 08:00, online 08:50, busy 10:15, away 12:00, offline 12:30 → online 5,100 s, busy 6,300 s, away 1,800 s.
 * Calls (queue Support, service level 20 s): answered after 15 s (talk 300 s), after 40 s (talk 120 s),
 *   abandoned after 60 s; an outbound call is not offered → offered 3, answered 2, abandoned 1,
 *   average wait 27.5 s, service level 33.3 %, average handle 210 s.
 * Surveys: X rated 5 ("great") at 11:30, Z rated 2 on Tuesday 10:00 → 2 answers, average 3.5, 50 % satisfied.
 * Tickets: 2 created, 1 solved; SLA targets: 1 achieved (a first response in time), 2 breached → 33.3 % achieved.
 */
const T = (day: number, hh: number, mm = 0, ss = 0) => new Date(Date.UTC(2026, 2, day, hh, mm, ss));
const RANGE = { from: T(2, 0), to: T(5, 0), timeZone: 'UTC' };

describe.skipIf(!DATABASE_URL)('report metrics on a hand-checked day', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let db: Db;
  let tenantId: string;
  let ann: string;
  let support: string;
  let web: string;
  let incremental: Record<string, unknown[]>;

  beforeAll(async () => {
    handle = await freshDatabase('pg');
    db = handle.db;
    // The consumer's bus side is not used here: the events are handed to it directly.
    const bus = {} as Bus;
    const consumer = new ReportsConsumer({ db, bus, logger: pino({ level: 'silent' }) }, { flushMs: 1 });
    const tenant = await db
      .insertInto('tenants')
      .values({ slug: `rep-${randomUUID().slice(0, 6)}`, name: 'Reports' })
      .returning('id')
      .executeTakeFirstOrThrow();
    tenantId = tenant.id;
    const role = await db.insertInto('roles').values({ tenant_id: tenantId, name: 'agent', builtin: true }).returning('id').executeTakeFirstOrThrow();
    web = (await db.insertInto('channels').values({ tenant_id: tenantId, type: 'web', name: 'Site' }).returning('id').executeTakeFirstOrThrow()).id;
    const phone = (await db.insertInto('channels').values({ tenant_id: tenantId, type: 'twilio', name: 'Hotline' }).returning('id').executeTakeFirstOrThrow())
      .id;
    const calendar = await db
      .insertInto('business_calendars')
      .values({
        tenant_id: tenantId,
        name: 'Office',
        time_zone: 'UTC',
        weekly_hours: JSON.stringify([[], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], [['09:00', '17:00']], []]),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    support = (
      await db.insertInto('groups').values({ tenant_id: tenantId, name: 'Support', calendar_id: calendar.id }).returning('id').executeTakeFirstOrThrow()
    ).id;
    ann = (
      await db
        .insertInto('users')
        .values({
          tenant_id: tenantId,
          email: 'ann@example.com',
          name: 'Ann',
          role_id: role.id,
          account_status: 'active',
          agent_status: 'offline',
          status_changed_at: T(2, 8),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const vip = (
      await db
        .insertInto('contacts')
        .values({ tenant_id: tenantId, name: 'Vera', tags: ['vip'] })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    const plain = (await db.insertInto('contacts').values({ tenant_id: tenantId, name: 'Pat' }).returning('id').executeTakeFirstOrThrow()).id;

    /** One change, then the event it would publish, through the consumer: the incremental path. */
    const step = async (kind: string, at: Date, change: () => Promise<unknown>, payload: Record<string, unknown> = {}) => {
      await change();
      await consumer.handle({ id: randomUUID(), tenantId, kind, payload, at: at.toISOString() });
    };
    const status = (status: 'online' | 'busy' | 'away' | 'offline', at: Date) =>
      step('agent.status', at, () => db.updateTable('users').set({ agent_status: status, status_changed_at: at }).where('id', '=', ann).execute(), {
        userId: ann,
        status,
      });
    const conv = (id: string, at: Date, set: Record<string, unknown>, kind = 'conversation.assigned') =>
      step(kind, at, () =>
        db
          .updateTable('conversations')
          .set({ ...set, updated_at: at })
          .where('id', '=', id)
          .execute(),
      );
    const message = (conversationId: string, at: Date, direction: 'in' | 'out', sender: 'contact' | 'agent' | 'system', isPrivate = false, channelId = web) =>
      step('message.created', at, () =>
        db
          .insertInto('messages')
          .values({
            tenant_id: tenantId,
            conversation_id: conversationId,
            channel_id: channelId,
            direction,
            sender_type: sender,
            sender_id: sender === 'agent' ? ann : null,
            private: isPrivate,
            content: '[]',
            created_at: at,
          })
          .execute(),
      );
    const create = async (contactId: string, at: Date, values: Record<string, unknown>) => {
      const row = await db
        .insertInto('conversations')
        .values({ tenant_id: tenantId, channel_id: web, contact_id: contactId, thread_key: randomUUID(), created_at: at, updated_at: at, ...values })
        .returning('id')
        .executeTakeFirstOrThrow();
      await consumer.handle({ id: randomUUID(), tenantId, kind: 'conversation.created', payload: {}, at: at.toISOString() });
      return row.id;
    };

    await status('online', T(2, 8, 50));
    const x = await create(vip, T(2, 8, 30), { status: 'queued', group_id: support, queued_at: T(2, 8, 30) });
    await message(x, T(2, 8, 30), 'in', 'contact');
    await conv(x, T(2, 9, 10), { status: 'assigned', assignee_id: ann, assigned_at: T(2, 9, 10), queued_at: null });
    await message(x, T(2, 9, 20), 'out', 'agent');
    await conv(x, T(2, 9, 20), { first_response_at: T(2, 9, 20) }, 'message.created');
    await message(x, T(2, 9, 25), 'out', 'agent', true);
    await conv(x, T(2, 10), { status: 'resolved', resolved_at: T(2, 10) }, 'conversation.resolved');
    await status('busy', T(2, 10, 15));
    await conv(x, T(2, 10, 30), { status: 'open', resolved_at: null, assignee_id: null }, 'conversation.reopened');
    await message(x, T(2, 10, 30), 'in', 'contact');
    await conv(x, T(2, 10, 35), { status: 'assigned', assignee_id: ann, assigned_at: T(2, 10, 35) });
    await message(x, T(2, 10, 40), 'out', 'agent');
    await conv(x, T(2, 11, 5), { status: 'resolved', resolved_at: T(2, 11, 5) }, 'conversation.resolved');
    await step('csat.answered', T(2, 11, 30), () =>
      reportDb(db)
        .withTables<SurveyTables>()
        .insertInto('csat_responses')
        .values({
          tenant_id: tenantId,
          conversation_id: x,
          rating: 5,
          comment: 'great',
          via: 'link',
          channel_id: web,
          group_id: support,
          agent_id: ann,
          answered_at: T(2, 11, 30),
        })
        .execute(),
    );
    await status('away', T(2, 12));
    await status('offline', T(2, 12, 30));
    const y = await create(plain, T(2, 16, 50), { status: 'queued', group_id: support, queued_at: T(2, 16, 50) });
    await message(y, T(2, 16, 50), 'in', 'contact');
    await conv(y, T(2, 17, 10), { status: 'resolved', resolved_at: T(2, 17, 10), queued_at: null }, 'conversation.resolved');
    const z = await create(plain, T(2, 17, 30), { status: 'open', group_id: support, thread_key: 'z' });
    await message(z, T(2, 17, 30), 'in', 'contact');
    await conv(z, T(2, 17, 35), { status: 'assigned', assignee_id: ann, assigned_at: T(2, 17, 35) });
    await message(z, T(3, 9, 30), 'out', 'agent');
    await conv(z, T(3, 9, 30), { first_response_at: T(3, 9, 30) }, 'message.created');
    await step('csat.answered', T(3, 10), () =>
      reportDb(db)
        .withTables<SurveyTables>()
        .insertInto('csat_responses')
        .values({ tenant_id: tenantId, conversation_id: z, rating: 2, via: 'widget', channel_id: web, group_id: support, agent_id: ann, answered_at: T(3, 10) })
        .execute(),
    );
    const call = (n: number, direction: 'in' | 'out', queued: Date, answered: Date | null, ended: Date, wait: number, talk: number | null) =>
      step('call.ended', ended, () =>
        db
          .insertInto('calls')
          .values({
            tenant_id: tenantId,
            channel_id: phone,
            provider_call_id: `c${n}`,
            direction,
            from_number: '+100',
            to_number: '+200',
            state: 'ended',
            group_id: support,
            agent_id: answered ? ann : null,
            started_at: queued,
            queued_at: direction === 'in' ? queued : null,
            answered_at: answered,
            ended_at: ended,
            wait_seconds: wait,
            talk_seconds: talk,
          })
          .execute(),
      );
    await call(1, 'in', T(2, 9), T(2, 9, 0, 15), T(2, 9, 5, 15), 15, 300);
    await call(2, 'in', T(2, 9, 10), T(2, 9, 10, 40), T(2, 9, 12, 40), 40, 120);
    await call(3, 'in', T(2, 9, 20), null, T(2, 9, 21), 60, null);
    await call(4, 'out', T(2, 9, 30), T(2, 9, 30, 5), T(2, 9, 35), 0, 295);
    // Tickets: #1 created 09:00 in Support for Ann, first response met at 09:30, resolution breached
    // at 10:00 and met late at 11:00 (solved); #2 created 16:00, first response breached at 17:00.
    const ticket = (id: string, kind: string, at: Date, change: () => Promise<unknown>) => step(kind, at, change, { ticket: { id } });
    const clock = (state: string, extra: Record<string, string>) => ({
      startedAt: T(2, 9).toISOString(),
      dueAt: T(2, 10).toISOString(),
      warnAt: T(2, 9, 45).toISOString(),
      state,
      ...extra,
    });
    const t1 = randomUUID();
    const t2 = randomUUID();
    const setSla =
      (id: string, clocks: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      () =>
        db
          .updateTable('tickets')
          .set({ sla: JSON.stringify({ clocks }), ...extra } as never)
          .where('id', '=', id)
          .execute();
    await ticket(t1, 'ticket.created', T(2, 9), () =>
      db
        .insertInto('tickets')
        .values({
          id: t1,
          tenant_id: tenantId,
          number: 1,
          subject: 'Broken',
          requester_id: vip,
          group_id: support,
          assignee_id: ann,
          created_at: T(2, 9),
          sla: JSON.stringify({ clocks: { firstResponse: clock('active', {}), resolution: clock('active', {}) } }),
        } as never)
        .execute(),
    );
    await ticket(
      t1,
      'ticket.updated',
      T(2, 9, 30),
      setSla(t1, { firstResponse: clock('met', { metAt: T(2, 9, 30).toISOString() }), resolution: clock('active', {}) }),
    );
    await ticket(
      t1,
      'ticket.sla_breached',
      T(2, 10),
      setSla(t1, { firstResponse: clock('met', { metAt: T(2, 9, 30).toISOString() }), resolution: clock('active', { breachedAt: T(2, 10).toISOString() }) }),
    );
    await ticket(
      t1,
      'ticket.updated',
      T(2, 11),
      setSla(
        t1,
        {
          firstResponse: clock('met', { metAt: T(2, 9, 30).toISOString() }),
          resolution: clock('met', { metAt: T(2, 11).toISOString(), breachedAt: T(2, 10).toISOString() }),
        },
        { status: 'solved', solved_at: T(2, 11) },
      ),
    );
    await ticket(t2, 'ticket.created', T(2, 16), () =>
      db
        .insertInto('tickets')
        .values({
          id: t2,
          tenant_id: tenantId,
          number: 2,
          subject: 'Slow',
          requester_id: plain,
          group_id: support,
          created_at: T(2, 16),
          sla: JSON.stringify({ clocks: { firstResponse: clock('active', {}) } }),
        } as never)
        .execute(),
    );
    await ticket(t2, 'ticket.sla_breached', T(2, 17), setSla(t2, { firstResponse: clock('active', { breachedAt: T(2, 17).toISOString() }) }));
    incremental = await snapshot(db, tenantId);
  });

  afterAll(async () => {
    await handle?.drop();
  });

  const scope = () => ({ tenantId, ...RANGE });

  it('counts conversations, response and resolution times (in business hours too), the reopening and the abandoned wait', async () => {
    const { totals } = (await runReport(db, 'overview', scope())) as { totals: Record<string, unknown> };
    expect(totals).toMatchObject({
      created: 3,
      resolved: 3,
      reopened: 1,
      handled: 3,
      queued: 2,
      abandoned: 1,
      avgAbandonWaitSeconds: 1200,
      firstResponses: 2,
      avgFirstResponseSeconds: 30300,
      avgFirstResponseBusinessSeconds: 1500,
      avgResolutionSeconds: 2900,
      avgResolutionBusinessSeconds: 2100,
      avgQueueWaitSeconds: 2400,
      messagesIn: 4,
      messagesOut: 3,
      callsOffered: 3,
      callsAnswered: 2,
      callsAbandoned: 1,
      avgCallWaitSeconds: 27.5,
      serviceLevelPercent: 33.3,
      avgHandleSeconds: 210,
      csatResponses: 2,
      csatAverage: 3.5,
      csatPercent: 50,
      ticketsCreated: 2,
      ticketsSolved: 1,
      slaAchieved: 1,
      slaBreached: 2,
    });
    const tickets = (await runReport(db, 'tickets', scope())) as { totals: Record<string, unknown>; rows: Record<string, unknown>[] };
    expect(tickets.totals).toEqual({ ticketsCreated: 2, ticketsSolved: 1, slaAchieved: 1, slaBreached: 2, slaAchievedPercent: 33.3 });
    expect(tickets.rows).toEqual([
      { id: support, name: 'Support', ticketsCreated: 2, ticketsSolved: 1, slaAchieved: 1, slaBreached: 2, slaAchievedPercent: 33.3 },
    ]);
  });

  it('gives each agent their conversations and their online, busy and away time', async () => {
    const { rows, totals } = (await runReport(db, 'agents', scope(), T(4, 0))) as { rows: Record<string, unknown>[]; totals: Record<string, unknown> };
    expect(rows.find((r) => r.id === ann)).toMatchObject({
      name: 'Ann',
      handled: 3,
      resolved: 2,
      messagesOut: 3,
      onlineSeconds: 5100,
      busySeconds: 6300,
      awaySeconds: 1800,
      callsAnswered: 2,
      csatAverage: 3.5,
    });
    // The agents report's totals (its rows added up, the unassigned included) are the overview's.
    const overview = (await runReport(db, 'overview', scope())) as { totals: Record<string, unknown> };
    expect(totals).toEqual(overview.totals);
    expect(totals).toMatchObject({ created: 3, abandoned: 1, avgFirstResponseSeconds: 30300, messagesIn: 4, callsOffered: 3 });
  });

  it('narrows by tag, group and day, in the asked time zone', async () => {
    const vip = (await runReport(db, 'overview', { ...scope(), tag: 'vip' })) as { totals: Record<string, unknown> };
    expect(vip.totals).toMatchObject({ created: 1, resolved: 2, reopened: 1, avgResolutionSeconds: 3750 });
    const groups = (await runReport(db, 'groups', scope(), T(4, 0))) as { rows: Record<string, unknown>[] };
    expect(groups.rows.find((r) => r.id === support)).toMatchObject({ name: 'Support', created: 3, abandoned: 1, avgQueueWaitSeconds: 2400 });
    // In Shanghai (UTC+8) Z's 17:30 creation is already Tuesday.
    const shanghai = (await runReport(db, 'overview', { ...scope(), timeZone: 'Asia/Shanghai' })) as { series: { points: { key: string; created: number }[] } };
    expect(shanghai.series.points.map((p) => [p.key, p.created])).toEqual([
      ['2026-03-02', 1],
      ['2026-03-03', 2],
    ]);
  });

  it('gives the same days and hours in any zone from the hourly totals as from every hourly row', async () => {
    // An unfiltered series reads the hourly totals; a filtered one sums the hourly rows per UTC
    // hour first. Both are checked against converting every hourly row to the zone's date.
    for (const timeZone of ['Asia/Shanghai', 'America/Bogota', 'Asia/Tokyo', 'Pacific/Honolulu', 'Asia/Kolkata']) {
      for (const range of [RANGE, { from: T(1, 7), to: T(6, 19) }]) {
        for (const tag of [undefined, 'vip']) {
          for (const groupBy of ['day', 'hour'] as const) {
            const scope = { tenantId, ...range, timeZone, ...(tag ? { tag } : {}) };
            const fast = await sumRollup(db, 'report_conversations_hourly', CONVERSATION_COLUMNS, scope, groupBy);
            const format = groupBy === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM-DD"T"HH24:00';
            const { rows } = await sql<Record<string, unknown>>`
              SELECT to_char(hour AT TIME ZONE ${timeZone}, ${format}) AS key, ${sql.join(CONVERSATION_COLUMNS.map((c) => sql`sum(${sql.ref(c)})::float8 AS ${sql.ref(c)}`))}
                FROM report_conversations_hourly WHERE tenant_id = ${tenantId} AND hour >= ${range.from} AND hour < ${range.to}
                 AND (${tag ?? null}::text IS NULL OR tags @> ARRAY[${tag ?? ''}]::text[]) GROUP BY 1`.execute(db);
            const nonZero = (entries: [string, Record<string, number>][]) =>
              Object.fromEntries(entries.filter(([, v]) => Object.values(v).some((x) => x !== 0)).sort());
            const slow = rows.map(
              (r) => [String(r.key), Object.fromEntries(CONVERSATION_COLUMNS.map((c) => [c, Number(r[c])]))] as [string, Record<string, number>],
            );
            expect(nonZero([...fast.entries()]), `${timeZone} ${groupBy} ${tag} ${range.from.toISOString()}`).toEqual(nonZero(slow));
            expect(Object.keys(nonZero(slow)).length).toBeGreaterThan(0);
          }
        }
      }
    }
  });

  it('rebuilds from the raw tables exactly the rollups the events kept', async () => {
    expect(incremental.report_conversations_hourly!.length).toBeGreaterThan(0);
    expect(incremental.report_conversations_daily!.length).toBeGreaterThan(0);
    expect(incremental.report_conversations_totals!.length).toBeGreaterThan(0);
    await rebuildReports(db, { tenantId });
    expect(await snapshot(db, tenantId)).toEqual(incremental);
  });
});

async function snapshot(db: Db, tenantId: string): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const name of ['conversations', 'messages', 'agent_states', 'calls', 'csat', 'tickets'] as const) {
    for (const table of [`report_${name}_hourly`, `report_${name}_daily`, `report_${name}_totals`]) {
      const { rows } = await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)} WHERE tenant_id = ${tenantId}`.execute(db);
      out[table] = rows.map((r) => JSON.stringify(r)).sort();
    }
  }
  return out;
}
