import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

/** Whether the customer on a call is on hold now: the last hold step of the call's timeline ("held" or "resumed") says. */
export async function isOnHold(db: Kysely<Database> | Transaction<Database>, callId: string): Promise<boolean> {
  const last = await db
    .selectFrom('call_events')
    .select('kind')
    .where('call_id', '=', callId)
    .where('kind', 'in', ['held', 'resumed'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.kind === 'held';
}
