import type { Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';
import { event } from '../core/domain/events.js';
import { recordEvents } from '../core/outbox/outbox.js';

/**
 * Tells every console that shows this customer (inbox lists, open conversations, profiles) that
 * the record changed. The holders of the customer's conversations decide who hears of it.
 */
export async function recordContactUpdated(
  trx: Transaction<Database>,
  tenantId: string,
  contact: { id: string; name: string | null; email: string | null; phone: string | null },
  kind: 'contact.updated' | 'contact.created' = 'contact.updated',
): Promise<void> {
  const holders = await trx
    .selectFrom('conversations')
    .select(['group_id', 'assignee_id'])
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('contact_id', '=', contact.id)
    .limit(200)
    .execute();
  await recordEvents(trx, [
    event(tenantId, kind, {
      contact: { id: contact.id, name: contact.name, email: contact.email, phone: contact.phone },
      holders: holders.map((h) => ({ groupId: h.group_id, assigneeId: h.assignee_id })),
    }),
  ]);
}

/** Customers merged: `contact` is the record kept, `mergedIds` the ones folded into it. */
export async function recordContactsMerged(
  trx: Transaction<Database>,
  tenantId: string,
  contact: { id: string; name: string | null; email: string | null; phone: string | null },
  mergedIds: string[],
): Promise<void> {
  const holders = await trx
    .selectFrom('conversations')
    .select(['group_id', 'assignee_id'])
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('contact_id', '=', contact.id)
    .limit(200)
    .execute();
  await recordEvents(trx, [
    event(tenantId, 'contact.merged', {
      contact: { id: contact.id, name: contact.name, email: contact.email, phone: contact.phone },
      mergedIds,
      holders: holders.map((h) => ({ groupId: h.group_id, assigneeId: h.assignee_id })),
    }),
  ]);
}
