import type { Transaction } from 'kysely';
import type { Database } from '../../core/db/schema.js';
import type { EventLog } from '../events.js';
import { strategyFor } from '../strategies/index.js';
import { AgentPool } from './agent-pool.js';
import { assignTo } from './assign.js';
import { groupsOfAgent, loadGroup } from './groups.js';
import { chooseAgent } from './place.js';
import { publishQueuePositions, waitingQuery } from './queue.js';

/** How far down a line one pass looks for conversations someone can take. */
const LOOK_AHEAD = 20;

/**
 * Freed capacity at work: assigns the first waiting conversations of the given lines that an
 * eligible agent can take now (by each group's strategy), then tells the rest of the line where
 * it stands. Call under the tenant's routing lock; waiting conversations another transaction
 * holds are skipped, not waited for.
 */
export async function assignWaiting(
  trx: Transaction<Database>,
  events: EventLog,
  tenantId: string,
  groupIds: readonly (string | null)[],
  options: { skipConversationIds?: readonly string[] } = {},
): Promise<number> {
  let total = 0;
  let pool: AgentPool | undefined;
  for (const groupId of new Set(groupIds)) {
    const group = groupId ? await loadGroup(trx, tenantId, groupId) : undefined;
    if (groupId && !group) continue;
    if (strategyFor(group?.strategy ?? 'round_robin').waitsForClaim) continue;
    let query = waitingQuery(trx, tenantId, groupId).selectAll().limit(LOOK_AHEAD).forUpdate().skipLocked();
    if (options.skipConversationIds?.length) query = query.where('id', 'not in', [...options.skipConversationIds]);
    const waiting = await query.execute();
    let assigned = 0;
    pool ??= new AgentPool(trx, tenantId);
    for (const conversation of waiting) {
      const agent = await chooseAgent(trx, pool, conversation, group, { reason: 'capacity freed' });
      if (!agent) continue;
      await assignTo(trx, events, conversation, agent, 'capacity freed', group, pool);
      assigned++;
    }
    if (assigned > 0) await publishQueuePositions(trx, events, tenantId, groupId);
    total += assigned;
  }
  return total;
}

/** The lines an agent serves: their groups, and the tenant's line of conversations without a group. */
export async function linesOfAgent(trx: Transaction<Database>, tenantId: string, agentId: string): Promise<(string | null)[]> {
  return [...(await groupsOfAgent(trx, tenantId, agentId)), null];
}
