import { sql, type Transaction } from 'kysely';
import type { Conversation, Database } from '../db/schema.js';

// The router announces it; a phone channel tells it to a waiting caller. One count for both.
/** Place in line, 1 for the next to be served: higher priority first, then earlier arrival. */
export async function queuePosition(trx: Transaction<Database>, conversation: Conversation): Promise<number> {
  const queuedAt = conversation.queued_at ?? new Date();
  const ahead = await trx
    .selectFrom('conversations')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', conversation.tenant_id)
    .where('status', '=', 'queued')
    .where((eb) => (conversation.group_id ? eb('group_id', '=', conversation.group_id) : eb('group_id', 'is', null)))
    .where('id', '<>', conversation.id)
    .where((eb) =>
      eb.or([
        eb('priority', '>', conversation.priority),
        eb.and([
          eb('priority', '=', conversation.priority),
          eb.or([eb('queued_at', '<', queuedAt), eb.and([eb('queued_at', '=', queuedAt), eb('id', '<', conversation.id)])]),
        ]),
      ]),
    )
    .executeTakeFirstOrThrow();
  return ahead.n + 1;
}
