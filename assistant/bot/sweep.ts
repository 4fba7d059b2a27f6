import { sql } from 'kysely';
import type { Db } from '../../core/db/database.js';
import type { PeriodicTask } from '../../core/jobs/runner.js';
import { recordEvents } from '../../core/outbox/outbox.js';
import { resolveHeldConversation } from '../../router/part.js';
import { botDb, botTrx } from './schema.js';
import { BOT_RESOLVED, RESOLVED_BY_BOT, heldByBot } from './step.js';
import { agentReplied, handOver } from './worker.js';

/** A conversation the bot answered is resolved once its customer has been quiet this long. */
export const BOT_IDLE_MS = 30 * 60 * 1000;
/** A turn still unanswered this long (its worker failed for good) hands the conversation over. */
export const BOT_STUCK_MS = 5 * 60 * 1000;
const PER_PASS = 200;

/**
 * Resolves the conversations the bot holds whose customer wrote nothing for `idleMs` since its
 * last answer: the session is `resolved` and the conversation too, with the answer bot as the
 * reason. A session whose conversation someone placed or answered meanwhile just ends; one with a turn still
 * pending waits for its answer. Each conversation in its own short transaction, skipping one
 * another transaction holds. Answers how many it changed.
 */
export async function resolveIdleSessions(db: Db, now: Date, idleMs = BOT_IDLE_MS): Promise<number> {
  const before = new Date(now.getTime() - idleMs);
  const idle = await botDb(db)
    .selectFrom('bot_sessions')
    .select(['conversation_id', 'tenant_id', 'started_at'])
    .where('state', '=', 'active')
    .where('last_customer_at', '<', before)
    .orderBy('last_customer_at')
    .limit(PER_PASS)
    .execute();
  let changed = 0;
  for (const { conversation_id: conversationId, tenant_id: tenantId, started_at: startedAt } of idle) {
    const done = await db.transaction().execute(async (trx) => {
      const conversation = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', conversationId)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!conversation) return false;
      if (!heldByBot(conversation) || (await agentReplied(trx, tenantId, conversationId, startedAt)))
        return handOver(trx, tenantId, conversation, 'agent took over');
      const pending = await botTrx(trx)
        .selectFrom('bot_turns')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', '=', conversationId)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      if (pending) return false;
      const session = await botTrx(trx)
        .updateTable('bot_sessions')
        .set({ state: 'resolved', ended_at: sql`now()` })
        .where('conversation_id', '=', conversationId)
        .where('state', '=', 'active')
        .where('last_customer_at', '<', before)
        .returning('conversation_id')
        .executeTakeFirst();
      if (!session) return false;
      await resolveHeldConversation(trx, conversation, RESOLVED_BY_BOT);
      await recordEvents(trx, [{ tenantId, kind: BOT_RESOLVED, payload: { conversationId } }]);
      return true;
    });
    if (done) changed++;
  }
  return changed;
}

/**
 * Hands over the conversations whose turn has waited more than `stuckMs` for an answer (its
 * event dead-lettered after the worker's retries, say): a customer is never left with neither the
 * bot nor a person. Answers how many it changed.
 */
export async function handOverStuckTurns(db: Db, now: Date, stuckMs = BOT_STUCK_MS): Promise<number> {
  const stuck = await botDb(db)
    .selectFrom('bot_turns')
    .select(['conversation_id', 'tenant_id'])
    .where('state', '=', 'pending')
    .where('created_at', '<', new Date(now.getTime() - stuckMs))
    .groupBy(['conversation_id', 'tenant_id'])
    .limit(PER_PASS)
    .execute();
  let changed = 0;
  for (const { conversation_id: conversationId, tenant_id: tenantId } of stuck) {
    const done = await db.transaction().execute(async (trx) => {
      const conversation = await trx
        .selectFrom('conversations')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', conversationId)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!conversation) return false;
      if (await handOver(trx, tenantId, conversation, heldByBot(conversation) ? 'no answer in time' : 'agent took over')) return true;
      // A turn left pending by a session that ended otherwise: nothing waits on it.
      await botTrx(trx)
        .updateTable('bot_turns')
        .set({ state: 'skipped' })
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', '=', conversationId)
        .where('state', '=', 'pending')
        .execute();
      return false;
    });
    if (done) changed++;
  }
  return changed;
}

/** The sweeps as a periodic task of a job runner (once a minute): stuck turns handed over, quiet conversations resolved. */
export function botSweepTask(db: Db, options: { everyMs?: number; idleMs?: number; stuckMs?: number } = {}): PeriodicTask {
  return {
    name: 'assistant.bot-sweep',
    everyMs: options.everyMs ?? 60_000,
    run: async (now) => (await handOverStuckTurns(db, now, options.stuckMs)) + (await resolveIdleSessions(db, now, options.idleMs)),
  };
}
