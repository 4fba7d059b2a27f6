import { AgentPool } from '../../assignment/agent-pool.js';
import { AssignmentBatch } from '../../assignment/assign.js';
import { placeRoutedConversation } from '../../assignment/route-conversation.js';
import { lockTenantRouting } from '../../locking.js';
import type { InboundStep } from '../pipeline.js';

/**
 * Step 6: each routed conversation goes to an agent of its group by the group's strategy, within
 * capacity, or waits in the group's line. The batch takes its tenants' routing locks here (in id
 * order, see ../../locking.ts), as late as it can: what does not depend on agents' load — the
 * decisions, each contact's last agent for sticky groups — is read before, so the batches of
 * one company hold the lock only to read the pool, place and write. The groups' online agents
 * and their load are read once per tenant under the lock (../../assignment/agent-pool.ts) and
 * the assignments written together; each conversation's routing time (decision, placement and
 * its share of the writes) is observed.
 */
export const assign: InboundStep = {
  name: 'assign',
  async run(batch) {
    const { trx, events, toRoute, configs } = batch;
    const observe = batch.options.observeRouting;
    const tenants = [...new Set([...toRoute.values()].map((r) => r.envelope.tenantId))].sort();
    const pools = new Map<string, { pool: AgentPool; writes: AssignmentBatch }>();
    for (const tenantId of tenants) {
      const writes = new AssignmentBatch();
      const pool = new AgentPool(trx, tenantId, writes);
      // A preference, not a seat: read before the lock (the strategy still checks room under it).
      if ([...configs.get(tenantId)!.groups.values()].some((g) => g.strategy === 'sticky'))
        await pool.preloadPreviousAgents([...toRoute.values()].filter((r) => r.envelope.tenantId === tenantId).map((r) => r.contact.id));
      pools.set(tenantId, { pool, writes });
    }
    for (const tenantId of tenants) await lockTenantRouting(trx, tenantId);
    for (const tenantId of tenants) {
      const config = configs.get(tenantId)!;
      const { pool, writes } = pools.get(tenantId)!;
      const mine = [...toRoute.values()].filter((r) => r.envelope.tenantId === tenantId);
      await pool.loadGroups(mine.flatMap((r) => batch.decisions.get(r.conversation.id)!.conversation.group_id ?? []));
      const took: number[] = [];
      for (const item of mine) {
        const decided = batch.decisions.get(item.conversation.id)!;
        const started = performance.now();
        const placed = await placeRoutedConversation(trx, events, pool, decided, config);
        took.push(performance.now() - started + decided.ms);
        batch.routed.set(placed.id, placed);
      }
      const started = performance.now();
      for (const row of await writes.flush(trx)) batch.routed.set(row.id, row);
      const share = (performance.now() - started) / Math.max(1, took.length);
      for (const ms of took) observe?.((ms + share) / 1000);
    }
  },
};
