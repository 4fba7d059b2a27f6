import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../log/logger.js';
import { keepPlan } from '../db/keep-plan.js';

/** A due row of the `jobs` table, as a handler gets it. */
export interface DueJob {
  id: string;
  tenantId: string | null;
  kind: string;
  payload: unknown;
  attempts: number;
}

/**
 * What a handler did with a job: `done` (the runner deletes it), `rescheduled` (the handler moved
 * its `run_at` itself), or `busy` (what it works on is held by another transaction: left for the
 * next pass, not counted as run).
 */
export type JobOutcome = 'done' | 'rescheduled' | 'busy';

/** The work of one kind of job, registered by the feature that schedules it. */
export interface JobHandler {
  kind: string;
  /** Runs one due job in its own transaction; `now` is the pass's clock. */
  run(trx: Transaction<Database>, job: DueJob, now: Date): Promise<JobOutcome>;
  /** Seconds until a job that threw is tried again, by how often it failed before. */
  retryDelaySeconds?(attempts: number): number;
}

/** Work a feature wants done every so often beside its jobs (a safety sweep, time-based rules). */
export interface PeriodicTask {
  name: string;
  everyMs: number;
  /** Run on the first pass instead of after `everyMs`. */
  atStart?: boolean;
  /** Returns how many changes it made (the outbox is poked when any). */
  run(now: Date): Promise<number>;
}

export interface JobRunnerOptions {
  pollMs?: number;
  /** Most jobs one pass runs before it yields. */
  maxPerPass?: number;
  /**
   * The clock of a pass. Without it, due means due by the database's clock (the one `now()` in a
   * scheduling statement used); with it, tests move time instead of waiting.
   */
  clock?: () => Date;
}

const defaultRetryDelay = (attempts: number) => Math.min(300, 2 ** attempts);

/**
 * What a feature module sees of its process's job runner: it registers the handlers of the job
 * kinds it schedules and its periodic tasks, in its start. Starting and stopping the runner is
 * the composition root's (app/jobs.ts), once every module of the process has registered.
 */
export interface JobRegistry {
  register(handler: JobHandler): JobRegistry;
  every(task: PeriodicTask): JobRegistry;
  /** The job kinds registered so far. */
  kinds(): string[];
  /** The names of the periodic tasks registered so far. */
  tasks(): string[];
}

/**
 * The runner of the `jobs` table: one per process, built by the composition root. Features
 * register a handler per job kind; any number of processes may run a runner: a job is taken with
 * FOR UPDATE SKIP LOCKED, runs in its own transaction, and a job that throws is tried again later
 * with its error kept. Periodic tasks run between passes.
 */
export class JobRunner implements JobRegistry {
  private readonly handlers = new Map<string, JobHandler>();
  private readonly periodic: { task: PeriodicTask; last: number }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly pollMs: number;
  private readonly maxPerPass: number;

  constructor(
    private readonly deps: { db: Db; logger: Logger; poke?: () => void },
    private readonly options: JobRunnerOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 500;
    this.maxPerPass = options.maxPerPass ?? 200;
  }

  register(handler: JobHandler): this {
    if (this.handlers.has(handler.kind)) throw new Error(`job runner: a handler for "${handler.kind}" is registered already`);
    this.handlers.set(handler.kind, handler);
    return this;
  }

  every(task: PeriodicTask): this {
    this.periodic.push({ task, last: task.atStart ? 0 : Date.now() });
    return this;
  }

  /** The job kinds this runner takes. */
  kinds(): string[] {
    return [...this.handlers.keys()];
  }

  /** The names of its periodic tasks. */
  tasks(): string[] {
    return this.periodic.map((entry) => entry.task.name);
  }

  /** Polls until stopped; a runner with nothing registered (a gateway's) does not poll at all. */
  start(): void {
    if (this.handlers.size === 0 && this.periodic.length === 0) return;
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
        .catch((error) => this.deps.logger.warn({ err: String(error) }, 'job pass failed'))
        .then(() => this.schedule(this.pollMs));
    }, delayMs);
  }

  private async pass(): Promise<void> {
    const now = this.options.clock?.();
    await this.runDue(now);
    const at = now ?? new Date();
    let changed = 0;
    for (const entry of this.periodic) {
      if (at.getTime() - entry.last < entry.task.everyMs) continue;
      entry.last = at.getTime();
      try {
        changed += await entry.task.run(at);
      } catch (error) {
        this.deps.logger.warn({ err: String(error), task: entry.task.name }, 'periodic task failed');
      }
    }
    if (changed > 0) this.deps.poke?.();
  }

  /** Runs the jobs due at `now` (by default: due by the database's clock); returns how many ran. */
  async runDue(now?: Date): Promise<number> {
    if (this.handlers.size === 0) return 0;
    const skipped: string[] = [];
    let ran = 0;
    while (ran < this.maxPerPass) {
      const result = await this.runOne(skipped, now);
      if (result === 'none') break;
      if (result === 'ran') ran++;
    }
    if (ran > 0) this.deps.poke?.();
    return ran;
  }

  private async runOne(skipped: string[], now: Date | undefined): Promise<'ran' | 'skipped' | 'none'> {
    let taken: { id: string; kind: string; attempts: number } | undefined;
    try {
      return await this.deps.db.transaction().execute(async (trx) => {
        let query = trx
          .selectFrom('jobs')
          .select(['id', 'tenant_id', 'kind', 'payload', 'attempts'])
          .where('kind', 'in', this.kinds())
          .where('run_at', '<=', now ?? sql<Date>`now()`)
          .orderBy('run_at')
          .limit(1)
          .forUpdate()
          .skipLocked();
        if (skipped.length) query = query.where('id', 'not in', skipped);
        // Polled twice a second by every process, with the same text: its plan is kept.
        const job = await query.modifyEnd(keepPlan).executeTakeFirst();
        if (!job) return 'none';
        taken = job;
        const outcome = await this.handlers
          .get(job.kind)!
          .run(trx, { id: job.id, tenantId: job.tenant_id, kind: job.kind, payload: job.payload, attempts: job.attempts }, now ?? new Date());
        if (outcome === 'busy') {
          skipped.push(job.id);
          return 'skipped';
        }
        if (outcome === 'done') await trx.deleteFrom('jobs').where('id', '=', job.id).execute();
        return 'ran';
      });
    } catch (error) {
      if (!taken) throw error;
      skipped.push(taken.id);
      this.deps.logger.warn({ err: String(error), job: taken.id, kind: taken.kind }, 'job failed; will retry');
      const delay = (this.handlers.get(taken.kind)?.retryDelaySeconds ?? defaultRetryDelay)(taken.attempts);
      await this.deps.db
        .updateTable('jobs')
        .set({
          attempts: sql`attempts + 1`,
          last_error: String(error).slice(0, 1000),
          run_at: now ? new Date(now.getTime() + delay * 1000) : sql<Date>`now() + make_interval(secs => ${delay})`,
        })
        .where('id', '=', taken.id)
        .execute();
      return 'skipped';
    }
  }
}
