import { can, type Principal } from '../core/auth/permissions.js';
import type { Db } from '../core/db/database.js';
import { NotFoundError } from '../core/errors.js';
import { visibleTo } from '../console/server/conversations/visibility.js';

/** The call if the principal may see its conversation (or, with every conversation visible, a call without one); 404 otherwise. */
export async function visibleCall(db: Db, tenantId: string, principal: Principal, where: { callId: string } | { conversationId: string }) {
  const row = await findVisibleCall(db, tenantId, principal, where);
  if (!row) throw new NotFoundError('call');
  return row;
}

/** The call if the principal may see it, else undefined. */
export async function findVisibleCall(db: Db, tenantId: string, principal: Principal, where: { callId: string } | { conversationId: string }) {
  let query = db
    .selectFrom('calls')
    .leftJoin('conversations', (j) =>
      j.onRef('conversations.channel_id', '=', 'calls.channel_id').onRef('conversations.thread_key', '=', 'calls.provider_call_id'),
    )
    .selectAll('calls')
    .select('conversations.id as conversation_id')
    .where('calls.tenant_id', '=', tenantId);
  query = 'callId' in where ? query.where('calls.id', '=', where.callId) : query.where('conversations.id', '=', where.conversationId);
  const seeAll = can(principal, 'conversations.view.all');
  query = query.where((eb) => (seeAll ? eb.lit(true) : eb.and([eb('conversations.id', 'is not', null), visibleTo(eb as never, principal)])));
  return query.executeTakeFirst();
}
