import type { Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/** The job that reminds an agent of a planned callback (run by the call center's job runner, callcenter/callback-reminders.ts). */
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
