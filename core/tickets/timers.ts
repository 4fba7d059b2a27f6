import { sql } from 'kysely';
import { recordEvents } from '../outbox/outbox.js';
import type { Db } from '../db/database.js';
import type { TicketSla } from '../db/schema-tickets.js';
import { runTimeRules, runTriggers } from './automations.js';
import { ticketSummary, type Clock, type Trx } from './model.js';
import { SLA_JOB, slaJobKey, type SlaJobPayload } from './sla.js';

/**
 * One due SLA job, at `now`: the warning marks the clock and moves the job to the breach; the
 * breach marks the clock breached (it keeps counting until met, shown red) and ends the job.
 * Each writes its event (`ticket.sla_warning`, `ticket.sla_breached`) and runs the triggers.
 */
async function runSlaJob(trx: Trx, job: { id: string; payload: SlaJobPayload }, now: Date): Promise<void> {
  const { ticketId, metric, stage } = job.payload;
  const ticket = await trx.selectFrom('tickets').selectAll().where('id', '=', ticketId).forUpdate().executeTakeFirst();
  const clock = ticket?.sla.clocks?.[metric];
  if (!ticket || !clock || clock.state !== 'active') {
    await trx.deleteFrom('jobs').where('id', '=', job.id).execute();
    return;
  }
  const sla: TicketSla = structuredClone(ticket.sla);
  if (stage === 'warn' && !clock.warned) {
    sla.clocks![metric] = { ...clock, warned: true };
    await trx.updateTable('jobs').set({ run_at: clock.dueAt, payload: JSON.stringify({ ticketId, metric, stage: 'breach' } satisfies SlaJobPayload), attempts: 0 }).where('id', '=', job.id).execute();
  } else {
    sla.clocks![metric] = { ...clock, warned: true, breachedAt: clock.dueAt };
    await trx.deleteFrom('jobs').where('id', '=', job.id).execute();
  }
  const updated = await trx.updateTable('tickets').set({ sla: JSON.stringify(sla) }).where('id', '=', ticketId).returningAll().executeTakeFirstOrThrow();
  const breached = stage === 'breach' || clock.warned;
  await recordEvents(trx, [{ tenantId: ticket.tenant_id, kind: breached ? 'ticket.sla_breached' : 'ticket.sla_warning', payload: { ticket: ticketSummary(updated), metric, dueAt: clock.dueAt } }]);
  await runTriggers(trx, updated, breached ? 'sla.breached' : 'sla.warning', { now, slaMetric: metric });
}

/**
 * Runs the tickets' timers: due SLA jobs from the `jobs` table (FOR UPDATE SKIP LOCKED, so any
 * number of processes share them) and, once a minute, the time rules. Everything reads the
 * clock it is given, so tests move time instead of waiting.
 */
export class TicketTimers {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private lastTimeRules = 0;

  constructor(
    private readonly db: Db,
    private readonly options: { clock: Clock; pollMs?: number; timeRulesEveryMs?: number; onError?: (error: unknown) => void; poke?: () => void },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((error) => this.options.onError?.(error))
        .then(() => this.schedule());
    }, this.options.pollMs ?? 1000);
  }

  private async pass(): Promise<void> {
    const now = this.options.clock();
    let ran = await this.runDue(now);
    if (now.getTime() - this.lastTimeRules >= (this.options.timeRulesEveryMs ?? 60_000)) {
      this.lastTimeRules = now.getTime();
      ran += await runTimeRules(this.db, now);
    }
    if (ran > 0) this.options.poke?.();
  }

  /** Runs every SLA job due at `now`; returns how many ran. A job that fails is retried later, with its error kept. */
  async runDue(now: Date, max = 500): Promise<number> {
    let ran = 0;
    const failed: string[] = [];
    while (ran < max) {
      let taken: string | undefined;
      try {
        const outcome = await this.db.transaction().execute(async (trx) => {
          let q = trx.selectFrom('jobs').select(['id', 'payload']).where('kind', '=', SLA_JOB).where('run_at', '<=', now).orderBy('run_at').limit(1).forUpdate().skipLocked();
          if (failed.length) q = q.where('id', 'not in', failed);
          const job = await q.executeTakeFirst();
          if (!job) return 'none' as const;
          taken = job.id;
          await runSlaJob(trx, { id: job.id, payload: job.payload as unknown as SlaJobPayload }, now);
          return 'ran' as const;
        });
        if (outcome === 'none') break;
        ran++;
      } catch (error) {
        if (!taken) throw error;
        failed.push(taken);
        this.options.onError?.(error);
        await this.db
          .updateTable('jobs')
          .set({ attempts: sql`attempts + 1`, last_error: String(error).slice(0, 1000), run_at: new Date(now.getTime() + 60_000) })
          .where('id', '=', taken)
          .execute();
      }
    }
    return ran;
  }

  /** The time rules at `now` (solved for 7 days → closed, …); returns how many fired. */
  runTimeRules(now: Date): Promise<number> {
    return runTimeRules(this.db, now);
  }
}

export { slaJobKey };
