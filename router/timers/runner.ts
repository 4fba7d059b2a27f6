import type { Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import type { JobHandler, JobRegistry } from '../../core/jobs/runner.js';
import type { RouterDeps } from '../deps.js';
import { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';
import { runAutoResolve } from './auto-resolve.js';
import type { ConversationJobPayload, RouterJobKind } from './jobs.js';
import { runNoAnswer } from './no-answer.js';
import { runOverflow } from './overflow.js';
import { sweepQueues } from './queue-sweep.js';

/** A timer's work: done (the job goes), or it set its own next run. */
export type TimerOutcome = 'done' | 'rescheduled';
export type TimerHandler = (trx: Transaction<Database>, events: EventLog, conversation: Conversation, payload: ConversationJobPayload) => Promise<TimerOutcome>;

const timers: Record<RouterJobKind, TimerHandler> = {
  'router.no_answer': runNoAnswer,
  'router.overflow': runOverflow,
  'router.auto_resolve': runAutoResolve,
};

/**
 * A conversation's timer as a job handler. Its conversation is taken with SKIP LOCKED (one busy in
 * another transaction is left for the next pass), so runners never wait on each other or on the
 * pipeline; the handler runs with the conversation's and the tenant's locks, like any other change
 * of assignment.
 */
function conversationTimer(kind: RouterJobKind, timer: TimerHandler): JobHandler {
  return {
    kind,
    async run(trx, job) {
      const payload = job.payload as ConversationJobPayload;
      const conversation = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', payload.conversationId)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!conversation) {
        const exists = await trx.selectFrom('conversations').select('id').where('id', '=', payload.conversationId).executeTakeFirst();
        return exists ? 'busy' : 'done';
      }
      await lockTenantRouting(trx, conversation.tenant_id);
      const events = new EventLog();
      const outcome = await timer(trx, events, conversation, payload);
      await events.flush(trx);
      return outcome;
    },
  };
}

export interface RouterTimerOptions {
  /** How often waiting lines are offered to agents with room, besides the instant hand-over. */
  sweepMs?: number;
}

/**
 * The router's timers on its process's job runner: no-answer, overflow and auto-resolve, and every
 * few seconds the waiting lines offered to the agents with room (a safety net for capacity that
 * changed without going through the router's actions).
 */
export function registerRouterTimers(jobs: JobRegistry, deps: RouterDeps, options: RouterTimerOptions = {}): JobRegistry {
  for (const [kind, timer] of Object.entries(timers) as [RouterJobKind, TimerHandler][]) jobs.register(conversationTimer(kind, timer));
  return jobs.every({
    name: 'router.queue-sweep',
    everyMs: options.sweepMs ?? 5000,
    run: async () => {
      await sweepQueues(deps);
      return 0;
    },
  });
}
