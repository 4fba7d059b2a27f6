import { sql, type Transaction } from 'kysely';
import type { Context } from '../../../core/context.js';
import type { Database } from '../../../core/db/schema.js';
import { event } from '../../../core/domain/events.js';
import { recordEvents } from '../../../core/outbox/outbox.js';

import { CALLBACK_DUE } from '../../../core/voice/callback-jobs.js';

export { CALLBACK_DUE, cancelCallbackReminder, scheduleCallbackReminder } from '../../../core/voice/callback-jobs.js';

/**
 * Reminds agents of their due callbacks: takes due `voice.callback_due` jobs from the jobs table
 * (FOR UPDATE SKIP LOCKED, so any number of console processes may run one) and writes a
 * `callback.due` event for the plan's agent in the same transaction that removes the job.
 */
export class CallbackReminders {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly ctx: Pick<Context, 'database' | 'relay' | 'logger'>,
    private readonly pollMs = 1000,
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
      this.running = this.runDue()
        .catch((error) => this.ctx.logger.warn({ err: String(error) }, 'callback reminders failed'))
        .then(() => this.schedule());
    }, this.pollMs);
  }

  /** Reminds of every due callback; returns how many. */
  async runDue(): Promise<number> {
    const reminded = await this.ctx.database.db.transaction().execute(async (trx) => {
      const jobs = await trx
        .selectFrom('jobs')
        .select(['id', 'tenant_id', 'payload'])
        .where('kind', '=', CALLBACK_DUE)
        .where('run_at', '<=', sql<Date>`now()`)
        .orderBy('run_at')
        .limit(100)
        .forUpdate()
        .skipLocked()
        .execute();
      if (jobs.length === 0) return 0;
      const planIds = jobs.map((j) => (j.payload as { planId: string }).planId);
      const plans = await trx
        .updateTable('callback_plans')
        .set({ reminded_at: sql`now()` })
        .where('id', 'in', planIds)
        .where('status', '=', 'planned')
        .returning(['id', 'tenant_id', 'agent_id', 'contact_id', 'phone', 'due_at', 'note'])
        .execute();
      await recordEvents(
        trx,
        plans.map((p) =>
          event(p.tenant_id, 'callback.due', {
            agentId: p.agent_id,
            plan: { id: p.id, contactId: p.contact_id, phone: p.phone, dueAt: new Date(p.due_at).toISOString(), note: p.note },
          }),
        ),
      );
      await trx.deleteFrom('jobs').where('id', 'in', jobs.map((j) => j.id)).execute();
      return plans.length;
    });
    if (reminded > 0) this.ctx.relay.poke();
    return reminded;
  }
}
