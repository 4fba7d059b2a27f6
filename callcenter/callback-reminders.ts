import { sql, type Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';
import { event } from '../core/domain/events.js';
import type { JobHandler } from '../core/jobs/runner.js';
import { recordEvents } from '../core/outbox/outbox.js';

/** The job that reminds an agent of a planned callback. */
export const CALLBACK_DUE = 'voice.callback_due';
const jobKey = (planId: string) => `${CALLBACK_DUE}:${planId}`;

/** Sets (or moves) the reminder of a planned callback; in the caller's transaction. */
export async function scheduleCallbackReminder(trx: Transaction<Database>, tenantId: string, planId: string, dueAt: Date): Promise<void> {
  await trx
    .insertInto('jobs')
    .values({ tenant_id: tenantId, kind: CALLBACK_DUE, key: jobKey(planId), run_at: dueAt, payload: JSON.stringify({ planId }) })
    .onConflict((oc) => oc.column('key').doUpdateSet({ run_at: dueAt, attempts: 0, last_error: null }))
    .execute();
}

export async function cancelCallbackReminder(trx: Transaction<Database>, planId: string): Promise<void> {
  await trx.deleteFrom('jobs').where('key', '=', jobKey(planId)).execute();
}

/**
 * Reminds an agent of a due callback: a due `voice.callback_due` job writes a `callback.due` event
 * for the plan's agent (if the plan is still planned) in the transaction that removes the job.
 * Run by the call center's job runner (part.ts, console role); the jobs are scheduled by the plans'
 * routes and by a waiting caller who asks to be called back (calls/waiting.ts).
 */
export const callbackReminder: JobHandler = {
  kind: CALLBACK_DUE,
  async run(trx, job) {
    const { planId } = job.payload as { planId: string };
    const plans = await trx
      .updateTable('callback_plans')
      .set({ reminded_at: sql`now()` })
      .where('id', '=', planId)
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
    return 'done';
  },
};
