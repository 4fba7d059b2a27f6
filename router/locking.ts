import { sql, type Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';

/**
 * Every change to who holds which conversation — assign, release, an agent's status or capacity —
 * runs under one transaction-scoped advisory lock per tenant, so two router processes, a router
 * and a console action, or two claims never both fill the same seat. Counting an agent's load and
 * assigning happen under it; it is held until commit, so it is taken as late as it can be: an
 * inbound batch stores its messages and decides its routes first, and locks only to place them
 * (pipeline/steps/assign.ts).
 *
 * Lock order, to stay free of deadlocks: first the conversation rows a unit of work owns
 * (FOR UPDATE), then the tenant's routing lock, then anything else (agents' rows, jobs of owned
 * conversations). Under the tenant lock other conversations are only taken with SKIP LOCKED.
 * Several tenants are locked in ascending id order.
 */
const ROUTING_LOCK_CLASS = 0x5242; // 'RB'

export async function lockTenantRouting(trx: Transaction<Database>, tenantId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(${ROUTING_LOCK_CLASS}, hashtext(${tenantId}))`.execute(trx);
}
