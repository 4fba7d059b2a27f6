import { recordEvents } from '../core/outbox/outbox.js';
import type { Db } from '../core/db/database.js';
import type { JobHandler, JobOutcome, JobRegistry } from '../core/jobs/runner.js';
import type { TicketSla } from './schema.js';
import { runTimeRules, runTriggers } from './automations.js';
import { ticketSummary, type Trx } from './model.js';
import { SLA_JOB, slaJobKey, type SlaJobPayload } from './sla.js';

/**
 * One due SLA job, at `now`: the warning marks the clock and moves the job to the breach; the
 * breach marks the clock breached (it keeps counting until met, shown red) and ends the job.
 * Each writes its event (`ticket.sla_warning`, `ticket.sla_breached`) and runs the triggers.
 */
async function runSlaJob(trx: Trx, job: { id: string; payload: SlaJobPayload }, now: Date): Promise<JobOutcome> {
  const { ticketId, metric, stage } = job.payload;
  const ticket = await trx.selectFrom('tickets').selectAll().where('id', '=', ticketId).forUpdate().executeTakeFirst();
  const clock = ticket?.sla.clocks?.[metric];
  if (!ticket || !clock || clock.state !== 'active') return 'done';
  const sla: TicketSla = structuredClone(ticket.sla);
  let outcome: JobOutcome = 'done';
  if (stage === 'warn' && !clock.warned) {
    sla.clocks![metric] = { ...clock, warned: true };
    await trx
      .updateTable('jobs')
      .set({ run_at: clock.dueAt, payload: JSON.stringify({ ticketId, metric, stage: 'breach' } satisfies SlaJobPayload), attempts: 0 })
      .where('id', '=', job.id)
      .execute();
    outcome = 'rescheduled';
  } else {
    sla.clocks![metric] = { ...clock, warned: true, breachedAt: clock.dueAt };
  }
  const updated = await trx
    .updateTable('tickets')
    .set({ sla: JSON.stringify(sla) })
    .where('id', '=', ticketId)
    .returningAll()
    .executeTakeFirstOrThrow();
  const breached = stage === 'breach' || clock.warned;
  await recordEvents(trx, [
    {
      tenantId: ticket.tenant_id,
      kind: breached ? 'ticket.sla_breached' : 'ticket.sla_warning',
      payload: { ticket: ticketSummary(updated), metric, dueAt: clock.dueAt },
    },
  ]);
  await runTriggers(trx, updated, breached ? 'sla.breached' : 'sla.warning', { now, slaMetric: metric });
  return outcome;
}

/** The tickets' SLA job: a failed one is tried again a minute later, with its error kept. */
export const slaJobHandler: JobHandler = {
  kind: SLA_JOB,
  run: (trx, job, now) => runSlaJob(trx, { id: job.id, payload: job.payload as SlaJobPayload }, now),
  retryDelaySeconds: () => 60,
};

/**
 * The tickets' timers on a job runner: due SLA jobs and, once a minute, the time rules (solved
 * for 7 days → closed, …). Everything reads the runner's clock, so tests move time instead of
 * waiting (a runner of their own, on a clock of theirs).
 */
export function registerTicketTimers(jobs: JobRegistry, db: Db, options: { timeRulesEveryMs?: number } = {}): JobRegistry {
  return jobs
    .register(slaJobHandler)
    .every({ name: 'ticket.time-rules', everyMs: options.timeRulesEveryMs ?? 60_000, atStart: true, run: (now) => runTimeRules(db, now) });
}

export { slaJobKey };
