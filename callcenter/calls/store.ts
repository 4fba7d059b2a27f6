import { sql, type Transaction, type Updateable } from 'kysely';
import type { Call, CallTable, Database } from '../../core/db/schema.js';
import type { Db } from '../../core/db/database.js';

/** Reads one call of a channel by the provider's id, locked for the transaction. */
export function lockCall(trx: Transaction<Database>, channelId: string, providerCallId: string): Promise<Call | undefined> {
  return trx.selectFrom('calls').selectAll().where('channel_id', '=', channelId).where('provider_call_id', '=', providerCallId).forUpdate().executeTakeFirst();
}

/** Reads one call of a channel by its agent's (or, outbound, customer's) leg, locked for the transaction. */
export function lockCallByLeg(trx: Transaction<Database>, channelId: string, legId: string): Promise<Call | undefined> {
  return trx.selectFrom('calls').selectAll().where('channel_id', '=', channelId).where('agent_leg_id', '=', legId).forUpdate().executeTakeFirst();
}

/** One call of a channel by the provider's id, as it is now (not locked). */
export function findCall(db: Db, channelId: string, where: { providerCallId: string } | { legId: string }): Promise<Call | undefined> {
  const query = db.selectFrom('calls').selectAll().where('channel_id', '=', channelId);
  return ('legId' in where ? query.where('agent_leg_id', '=', where.legId) : query.where('provider_call_id', '=', where.providerCallId)).executeTakeFirst();
}

/** One line of a call's timeline. */
export async function logCallEvent(trx: Transaction<Database> | Db, call: Pick<Call, 'id' | 'tenant_id'>, kind: string, detail: Record<string, unknown> = {}) {
  await trx
    .insertInto('call_events')
    .values({ tenant_id: call.tenant_id, call_id: call.id, kind, detail: JSON.stringify(detail) })
    .execute();
}

export async function updateCall(trx: Transaction<Database>, call: Call, changes: Updateable<CallTable> | Record<string, unknown>): Promise<Call> {
  return trx
    .updateTable('calls')
    .set(changes as Updateable<CallTable>)
    .where('id', '=', call.id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export const secondsBetween = (from: Date | null, to: Date) => (from ? Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000)) : null);

export const now = () => sql<Date>`clock_timestamp()`;

/** What a new call's row starts without, whichever way it began: a menu, a group, legs, its outcome. */
export const callNotStarted = {
  ivr_menu: null,
  group_id: null,
  agent_leg_id: null,
  bridge_id: null,
  wait_seconds: null,
  talk_seconds: null,
  recording_ref: null,
  disposition: null,
  cause: null,
} as const;
