import { sql } from 'kysely';
import { event } from '../core/domain/events.js';
import type { JobHandler } from '../core/jobs/runner.js';
import { recordEvents } from '../core/outbox/outbox.js';
import { CALLBACK_DUE } from '../core/voice/callback-jobs.js';

export { CALLBACK_DUE, cancelCallbackReminder, scheduleCallbackReminder } from '../core/voice/callback-jobs.js';

/**
 * Reminds an agent of a due callback: a due `voice.callback_due` job writes a `callback.due` event
 * for the plan's agent (if the plan is still planned) in the transaction that removes the job.
 * Run by the call center's job runner (part.ts, console role); the job itself stays in core
 * (core/voice/callback-jobs.ts) because the voice connector schedules it too.
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
