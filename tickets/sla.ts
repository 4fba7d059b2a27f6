import { sql } from 'kysely';
import type { SlaClock, SlaMetric, TicketSla } from './schema.js';
import { SLA_METRICS } from './schema.js';
import { addBusinessMinutes, businessMinutesBetween } from '../core/calendar/business-hours.js';
import { loadCalendar } from './calendar.js';
import type { Ticket, Trx } from './model.js';

export const SLA_JOB = 'ticket.sla';
export const slaJobKey = (ticketId: string, metric: SlaMetric) => `${SLA_JOB}:${ticketId}:${metric}`;

export interface SlaJobPayload {
  ticketId: string;
  metric: SlaMetric;
  stage: 'warn' | 'breach';
}

type Policy = {
  id: string;
  name: string;
  match: { channelTypes?: string[]; contactTags?: string[] };
  targets: Record<string, Partial<Record<SlaMetric, number>>>;
  warn_before_minutes: number;
};

/** The first enabled policy (by position) that covers the ticket and has a target for its priority. */
async function policyFor(trx: Trx, ticket: Ticket): Promise<Policy | undefined> {
  const policies = await trx
    .selectFrom('sla_policies')
    .select(['id', 'name', 'match', 'targets', 'warn_before_minutes'])
    .where('tenant_id', '=', ticket.tenant_id)
    .where('enabled', '=', true)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
  if (policies.length === 0) return undefined;
  let channelType: string | undefined;
  if (ticket.conversation_id) {
    channelType = (
      await trx
        .selectFrom('conversations')
        .innerJoin('channels', 'channels.id', 'conversations.channel_id')
        .select('channels.type')
        .where('conversations.id', '=', ticket.conversation_id)
        .executeTakeFirst()
    )?.type;
  }
  const contact = await trx
    .selectFrom('contacts')
    .select('tags')
    .where('tenant_id', '=', ticket.tenant_id)
    .where('id', '=', ticket.requester_id)
    .executeTakeFirst();
  return policies.find((p) => {
    if (!p.targets[ticket.priority] || Object.keys(p.targets[ticket.priority]!).length === 0) return false;
    if (p.match.channelTypes?.length && (!channelType || !p.match.channelTypes.includes(channelType))) return false;
    if (p.match.contactTags?.length && !p.match.contactTags.some((t) => contact?.tags.includes(t))) return false;
    return true;
  }) as Policy | undefined;
}

async function calendarOf(trx: Trx, ticket: Ticket) {
  if (!ticket.group_id) return null;
  const group = await trx
    .selectFrom('groups')
    .select('calendar_id')
    .where('tenant_id', '=', ticket.tenant_id)
    .where('id', '=', ticket.group_id)
    .executeTakeFirst();
  return loadCalendar(trx, ticket.tenant_id, group?.calendar_id ?? null);
}

function clock(calendar: Awaited<ReturnType<typeof calendarOf>>, start: Date, minutes: number, warnBefore: number): SlaClock {
  const dueAt = addBusinessMinutes(calendar, start, minutes);
  const warnAt = addBusinessMinutes(calendar, start, Math.max(0, minutes - warnBefore));
  return { startedAt: start.toISOString(), dueAt: dueAt.toISOString(), warnAt: warnAt.toISOString(), state: 'active' };
}

/** Writes the clocks and keeps one job per counting clock: at its warning, then at its breach. */
async function save(trx: Trx, ticket: Ticket, sla: TicketSla): Promise<Ticket> {
  for (const metric of SLA_METRICS) {
    const c = sla.clocks?.[metric];
    const key = slaJobKey(ticket.id, metric);
    if (!c || c.state !== 'active' || c.breachedAt) {
      await trx.deleteFrom('jobs').where('key', '=', key).execute();
      continue;
    }
    const stage: SlaJobPayload['stage'] = c.warned || c.warnAt >= c.dueAt ? 'breach' : 'warn';
    const runAt = stage === 'warn' ? c.warnAt : c.dueAt;
    const payload = JSON.stringify({ ticketId: ticket.id, metric, stage } satisfies SlaJobPayload);
    await trx
      .insertInto('jobs')
      .values({ tenant_id: ticket.tenant_id, kind: SLA_JOB, key, run_at: runAt, payload })
      .onConflict((oc) => oc.column('key').doUpdateSet({ run_at: runAt, payload, attempts: 0, last_error: null }))
      .execute();
  }
  return trx
    .updateTable('tickets')
    .set({ sla: JSON.stringify(sla) })
    .where('id', '=', ticket.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Starts a new ticket's first-response and resolution clocks under the policy that covers it. */
export async function startSla(trx: Trx, ticket: Ticket, now: Date): Promise<Ticket> {
  const policy = await policyFor(trx, ticket);
  if (!policy) return ticket;
  const calendar = await calendarOf(trx, ticket);
  const targets = policy.targets[ticket.priority]!;
  const clocks: TicketSla['clocks'] = {};
  if (targets.firstResponse) clocks.firstResponse = clock(calendar, now, targets.firstResponse, policy.warn_before_minutes);
  if (targets.resolution) clocks.resolution = clock(calendar, now, targets.resolution, policy.warn_before_minutes);
  return save(trx, ticket, { policyId: policy.id, policyName: policy.name, clocks });
}

function stop(sla: TicketSla, metric: SlaMetric, now: Date, state: 'met' | 'cancelled'): boolean {
  const c = sla.clocks?.[metric];
  if (!c || (c.state !== 'active' && c.state !== 'paused')) return false;
  const { pausedAt: _p, warnLeftMinutes: _w, dueLeftMinutes: _d, ...rest } = c;
  sla.clocks![metric] = { ...rest, state, ...(state === 'met' ? { metAt: now.toISOString() } : {}) };
  return true;
}

/** The ticket waits on the customer: every counting clock stands still, keeping what it had left. */
function pause(sla: TicketSla, calendar: Awaited<ReturnType<typeof calendarOf>>, now: Date): boolean {
  let changed = false;
  for (const metric of SLA_METRICS) {
    const c = sla.clocks?.[metric];
    if (!c || c.state !== 'active') continue;
    sla.clocks![metric] = {
      ...c,
      state: 'paused',
      pausedAt: now.toISOString(),
      warnLeftMinutes: c.warned ? 0 : businessMinutesBetween(calendar, now, new Date(c.warnAt)),
      dueLeftMinutes: c.breachedAt ? 0 : businessMinutesBetween(calendar, now, new Date(c.dueAt)),
    };
    changed = true;
  }
  return changed;
}

/** The ticket is no longer pending: paused clocks count on from `now` with what they had left. */
function resume(sla: TicketSla, calendar: Awaited<ReturnType<typeof calendarOf>>, now: Date): boolean {
  let changed = false;
  for (const metric of SLA_METRICS) {
    const c = sla.clocks?.[metric];
    if (!c || c.state !== 'paused') continue;
    const { pausedAt, warnLeftMinutes, dueLeftMinutes, ...rest } = c;
    sla.clocks![metric] = {
      ...rest,
      state: 'active',
      pausedMinutes: (c.pausedMinutes ?? 0) + (pausedAt ? businessMinutesBetween(calendar, new Date(pausedAt), now) : 0),
      warnAt: (c.warned ? new Date(c.warnAt) : addBusinessMinutes(calendar, now, warnLeftMinutes ?? 0)).toISOString(),
      dueAt: (c.breachedAt ? new Date(c.dueAt) : addBusinessMinutes(calendar, now, dueLeftMinutes ?? 0)).toISOString(),
    };
    changed = true;
  }
  return changed;
}

/**
 * After a change: solving meets the resolution target and stops the others; pending (waiting on
 * the customer) pauses the clocks and leaving pending resumes them where they stood; a new
 * priority or group (another calendar) re-times the clocks still counting, from when each started.
 */
export async function slaAfterChange(trx: Trx, before: Ticket, after: Ticket, now: Date): Promise<Ticket> {
  const sla: TicketSla = structuredClone(after.sla ?? {});
  let changed = false;
  if (!sla.clocks) {
    // No policy covered it before; a new priority may bring one.
    if (before.priority !== after.priority && after.status !== 'solved' && after.status !== 'closed') return startSla(trx, after, now);
    return after;
  }
  if ((after.status === 'solved' || after.status === 'closed') && before.status !== after.status) {
    changed = stop(sla, 'resolution', now, 'met') || changed;
    changed = stop(sla, 'firstResponse', now, 'cancelled') || changed;
    changed = stop(sla, 'nextResponse', now, 'cancelled') || changed;
  } else {
    if (after.status === 'pending' && before.status !== 'pending') changed = pause(sla, await calendarOf(trx, after), now);
    else if (before.status === 'pending' && after.status !== 'pending') changed = resume(sla, await calendarOf(trx, after), now);
    if (before.priority !== after.priority || before.group_id !== after.group_id) {
      const policy = sla.policyId
        ? await trx.selectFrom('sla_policies').select(['targets', 'warn_before_minutes']).where('id', '=', sla.policyId).executeTakeFirst()
        : undefined;
      const calendar = await calendarOf(trx, after);
      for (const metric of SLA_METRICS) {
        const c = sla.clocks[metric];
        const minutes = policy?.targets[after.priority]?.[metric];
        if (!c || (c.state !== 'active' && c.state !== 'paused')) continue;
        if (!minutes) stop(sla, metric, now, 'cancelled');
        else if (c.state === 'paused') {
          // Still pending: what is left of the new target, after the time counted before the pause.
          const used = Math.max(0, businessMinutesBetween(calendar, new Date(c.startedAt), new Date(c.pausedAt ?? now)) - (c.pausedMinutes ?? 0));
          sla.clocks[metric] = {
            ...c,
            warnLeftMinutes: c.warned ? 0 : Math.max(0, minutes - policy!.warn_before_minutes - used),
            dueLeftMinutes: c.breachedAt ? 0 : Math.max(0, minutes - used),
          };
        } else
          sla.clocks[metric] = {
            // The time it stood still while pending does not count against the new target either.
            ...clock(calendar, new Date(c.startedAt), minutes + (c.pausedMinutes ?? 0), policy!.warn_before_minutes),
            ...(c.pausedMinutes ? { pausedMinutes: c.pausedMinutes } : {}),
            ...(c.breachedAt ? { breachedAt: c.breachedAt, warned: true } : {}),
          };
        changed = true;
      }
    }
  }
  return changed ? save(trx, after, sla) : after;
}

/** An agent's public reply: the first-response and next-response targets are met. */
export async function slaAgentReplied(trx: Trx, ticket: Ticket, now: Date): Promise<Ticket> {
  const sla: TicketSla = structuredClone(ticket.sla ?? {});
  const changed = [stop(sla, 'firstResponse', now, 'met'), stop(sla, 'nextResponse', now, 'met')].some(Boolean);
  await trx
    .updateTable('tickets')
    .set({ first_response_at: sql`coalesce(first_response_at, ${now})`, awaiting_reply_since: null })
    .where('id', '=', ticket.id)
    .execute();
  const fresh = await trx.selectFrom('tickets').selectAll().where('id', '=', ticket.id).executeTakeFirstOrThrow();
  return changed ? save(trx, fresh, sla) : fresh;
}

/** A customer wrote again after an agent's answer: the next-response clock starts. */
export async function slaCustomerReplied(trx: Trx, ticket: Ticket, now: Date): Promise<Ticket> {
  const fresh = await trx
    .updateTable('tickets')
    .set({ awaiting_reply_since: sql`coalesce(awaiting_reply_since, ${now})` })
    .where('id', '=', ticket.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const sla: TicketSla = structuredClone(fresh.sla ?? {});
  if (!sla.policyId || !fresh.first_response_at || sla.clocks?.nextResponse?.state === 'active' || fresh.status === 'closed') return fresh;
  const policy = await trx.selectFrom('sla_policies').select(['targets', 'warn_before_minutes']).where('id', '=', sla.policyId).executeTakeFirst();
  const minutes = policy?.targets[fresh.priority]?.nextResponse;
  if (!minutes) return fresh;
  sla.clocks = { ...sla.clocks, nextResponse: clock(await calendarOf(trx, fresh), now, minutes, policy!.warn_before_minutes) };
  return save(trx, fresh, sla);
}
