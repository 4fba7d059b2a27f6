import { sql } from 'kysely';
import { loadGroup } from '../assignment/groups.js';
import { resolveLocked } from '../conversations/resolve-conversation.js';
import { scheduleJob } from './jobs.js';
import type { TimerHandler } from './runner.js';

/**
 * Resolves a conversation nobody has written in for the group's `auto_resolve_after_seconds`;
 * when someone has, the timer moves to that much after the last message.
 */
export const runAutoResolve: TimerHandler = async (trx, events, conversation) => {
  if (conversation.status === 'resolved' || !conversation.group_id) return 'done';
  const group = await loadGroup(trx, conversation.tenant_id, conversation.group_id);
  const after = group?.auto_resolve_after_seconds;
  if (!after) return 'done';
  // Measured by the database's clock, the one that stamped the messages.
  const { idleSeconds } = await trx
    .selectFrom('conversations')
    .select(sql<number>`extract(epoch from now() - coalesce(last_message_at, updated_at))::float8`.as('idleSeconds'))
    .where('id', '=', conversation.id)
    .executeTakeFirstOrThrow();
  if (idleSeconds < after) {
    await scheduleJob(trx, conversation.tenant_id, 'router.auto_resolve', { conversationId: conversation.id }, Math.ceil(after - idleSeconds));
    return 'rescheduled';
  }
  await resolveLocked(trx, events, conversation, 'inactive');
  return 'done';
};
