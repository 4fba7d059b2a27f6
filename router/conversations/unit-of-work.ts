import type { Transaction } from 'kysely';
import type { Conversation, Database } from '../../core/db/schema.js';
import { NotFoundError } from '../../core/errors.js';
import type { RouterDeps } from '../deps.js';
import { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';

/**
 * Runs an action on one conversation: its row locked, then the tenant's routing lock (the order
 * ../locking.ts prescribes), events written before commit, the relay poked after it.
 */
export async function withConversation<T>(
  deps: RouterDeps,
  tenantId: string,
  conversationId: string,
  work: (trx: Transaction<Database>, conversation: Conversation, events: EventLog) => Promise<T>,
): Promise<T> {
  const events = new EventLog();
  const run = async (trx: Transaction<Database>) => {
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', conversationId)
      .forUpdate()
      .executeTakeFirst();
    if (!conversation) throw new NotFoundError('conversation');
    await lockTenantRouting(trx, tenantId);
    const value = await work(trx, conversation, events);
    await events.flush(trx);
    return value;
  };
  // Given a transaction (a macro's several actions), the action joins it; its caller commits and pokes.
  const db = deps.database.db;
  if (db.isTransaction) return run(db as Transaction<Database>);
  const result = await db.transaction().execute(run);
  deps.relay.poke();
  return result;
}

/** Runs an action that changes an agent: the tenant's routing lock first, then the agent's row. */
export async function withTenantRouting<T>(deps: RouterDeps, tenantId: string, work: (trx: Transaction<Database>, events: EventLog) => Promise<T>): Promise<T> {
  const events = new EventLog();
  const result = await deps.database.db.transaction().execute(async (trx) => {
    await lockTenantRouting(trx, tenantId);
    const value = await work(trx, events);
    await events.flush(trx);
    return value;
  });
  deps.relay.poke();
  return result;
}
