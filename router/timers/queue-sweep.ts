import { assignWaiting } from '../assignment/drain.js';
import type { RouterDeps } from '../deps.js';
import { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';

/**
 * A safety net beside the instant hand-over on freed capacity: every so often, each line that has
 * waiting conversations is offered to the agents who have room. It catches capacity that changed
 * without going through the router's actions (an admin editing an agent directly, say), and
 * conversations a busy moment skipped. Returns how many it assigned.
 */
export async function sweepQueues(deps: RouterDeps): Promise<number> {
  const lines = await deps.database.db
    .selectFrom('conversations')
    .select(['tenant_id', 'group_id'])
    .where('status', '=', 'queued')
    .groupBy(['tenant_id', 'group_id'])
    .orderBy('tenant_id')
    .execute();
  const byTenant = new Map<string, (string | null)[]>();
  for (const line of lines) byTenant.set(line.tenant_id, [...(byTenant.get(line.tenant_id) ?? []), line.group_id]);
  let assigned = 0;
  for (const [tenantId, groupIds] of byTenant) {
    const events = new EventLog();
    assigned += await deps.database.db.transaction().execute(async (trx) => {
      await lockTenantRouting(trx, tenantId);
      const n = await assignWaiting(trx, events, tenantId, groupIds);
      await events.flush(trx);
      return n;
    });
  }
  if (assigned > 0) deps.relay.poke();
  return assigned;
}
