import { sql, type Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import type { RouterDeps } from '../deps.js';
import { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';
import { runAutoResolve } from './auto-resolve.js';
import { JOB_KINDS, type ConversationJobPayload, type RouterJobKind } from './jobs.js';
import { runNoAnswer } from './no-answer.js';
import { runOverflow } from './overflow.js';
import { sweepQueues } from './queue-sweep.js';

/** A timer's work: done (the job goes), or it set its own next run. */
export type TimerOutcome = 'done' | 'rescheduled';
export type TimerHandler = (
  trx: Transaction<Database>,
  events: EventLog,
  conversation: Conversation,
  payload: ConversationJobPayload,
) => Promise<TimerOutcome>;

const handlers: Record<RouterJobKind, TimerHandler> = {
  'router.no_answer': runNoAnswer,
  'router.overflow': runOverflow,
  'router.auto_resolve': runAutoResolve,
};

export interface TimerRunnerOptions {
  pollMs?: number;
  /** How often waiting lines are offered to agents with room, besides the instant hand-over. */
  sweepMs?: number;
  /** Most jobs one pass runs before it yields. */
  maxPerPass?: number;
}

/**
 * Runs the router's due timers from the `jobs` table. Any number of processes may run one: a job
 * is taken with FOR UPDATE SKIP LOCKED, and its conversation also with SKIP LOCKED (a conversation
 * busy in another transaction is left for the next pass), so runners never wait on each other or
 * on the pipeline. Each job runs in its own transaction with the conversation's and the tenant's
 * locks, like any other change of assignment.
 */
export class TimerRunner {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly pollMs: number;
  private readonly maxPerPass: number;
  private readonly sweepMs: number;
  private lastSweep = Date.now();

  constructor(
    private readonly deps: RouterDeps,
    options: TimerRunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.maxPerPass = options.maxPerPass ?? 200;
    this.sweepMs = options.sweepMs ?? 5000;
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass()
        .catch((error) => this.deps.logger.warn({ err: String(error) }, 'timer pass failed'))
        .then(() => this.schedule(this.pollMs));
    }, delayMs);
  }

  private async pass(): Promise<void> {
    await this.runDue();
    if (Date.now() - this.lastSweep >= this.sweepMs) {
      this.lastSweep = Date.now();
      await sweepQueues(this.deps);
    }
  }

  /** Runs the jobs due now; returns how many ran. */
  async runDue(): Promise<number> {
    const skipped: string[] = [];
    let ran = 0;
    while (ran < this.maxPerPass) {
      const result = await this.runOne(skipped);
      if (result === 'none') break;
      if (result === 'ran') ran++;
    }
    if (ran > 0) this.deps.relay.poke();
    return ran;
  }

  private async runOne(skipped: string[]): Promise<'ran' | 'skipped' | 'none'> {
    let taken: { id: string; kind: string } | undefined;
    try {
      return await this.deps.database.db.transaction().execute(async (trx) => {
        let query = trx
          .selectFrom('jobs')
          .select(['id', 'tenant_id', 'kind', 'payload'])
          .where('kind', 'in', [...JOB_KINDS])
          .where('run_at', '<=', sql<Date>`now()`)
          .orderBy('run_at')
          .limit(1)
          .forUpdate()
          .skipLocked();
        if (skipped.length) query = query.where('id', 'not in', skipped);
        const job = await query.executeTakeFirst();
        if (!job) return 'none';
        taken = job;
        const payload = job.payload as unknown as ConversationJobPayload;
        const conversation = await trx
          .selectFrom('conversations')
          .selectAll()
          .where('id', '=', payload.conversationId)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (!conversation) {
          const exists = await trx.selectFrom('conversations').select('id').where('id', '=', payload.conversationId).executeTakeFirst();
          if (exists) {
            skipped.push(job.id);
            return 'skipped';
          }
          await trx.deleteFrom('jobs').where('id', '=', job.id).execute();
          return 'ran';
        }
        await lockTenantRouting(trx, conversation.tenant_id);
        const events = new EventLog();
        const outcome = await handlers[job.kind as RouterJobKind](trx, events, conversation, payload);
        if (outcome === 'done') await trx.deleteFrom('jobs').where('id', '=', job.id).execute();
        await events.flush(trx);
        return 'ran';
      });
    } catch (error) {
      if (!taken) throw error;
      skipped.push(taken.id);
      this.deps.logger.warn({ err: String(error), job: taken.id, kind: taken.kind }, 'timer failed; will retry');
      await this.deps.database.db
        .updateTable('jobs')
        .set({
          attempts: sql`attempts + 1`,
          last_error: String(error).slice(0, 1000),
          run_at: sql`now() + make_interval(secs => least(300, power(2, attempts)))`,
        })
        .where('id', '=', taken.id)
        .execute();
      return 'skipped';
    }
  }
}
