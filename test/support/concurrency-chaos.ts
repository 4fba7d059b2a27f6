// What the concurrency tests share: a busy company, the agents' chaos while messages flow (status
// and capacity flips, resolutions, a sampler looking for anyone above capacity) and the checks.
import { sql } from 'kysely';
import { expect } from 'vitest';
import type { Db } from '../../core/db/database.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { resolveConversation, setAgentCapacity, setAgentStatus } from '../../router/actions.js';
import { assignmentViolations } from './assignment-invariants.js';
import { addAgent, addGroup, addRule, createWorld, depsFor, setDefaultGroup, type World } from './router-world.js';

export { customerMessages } from './router-world.js';

export const MAX_CAPACITY = 4;

export async function busyCompany(db: Db, slug: string): Promise<{ world: World; agents: string[] }> {
  const world = await createWorld(db, slug);
  const support = await addGroup(world, 'Support');
  const sales = await addGroup(world, 'Sales', { strategy: 'least_busy' });
  await setDefaultGroup(world, support);
  await addRule(world, 1, [{ type: 'keyword', anyOf: ['buy'] }], { groupId: sales });
  const agents: string[] = [];
  for (let i = 0; i < 20; i++) {
    const groups = i < 12 ? [support] : i < 16 ? [sales] : [support, sales];
    agents.push(await addAgent(world, `agent-${i}`, { groups, capacity: { chat: 1 + (i % MAX_CAPACITY) } }));
  }
  return { world, agents };
}

/** Slips replays of earlier messages in among the originals (always after the original). */
export function withReplays(sent: InboundEnvelope[], replays: number): InboundEnvelope[] {
  const all = [...sent];
  for (let i = 0; i < replays; i++) {
    const at = Math.min(all.length, (i + 1) * Math.floor(all.length / (replays + 1)));
    const candidates = all.slice(0, at);
    all.splice(at, 0, candidates[(i * 37) % candidates.length]!);
  }
  return all;
}

/** Flips agents, resolves conversations and samples loads until stopped. */
export function startChaos(db: Db, world: World, agents: string[]) {
  const deps = depsFor(db);
  let running = true;
  const sampled: string[] = [];
  let random = 7;
  const next = (n: number) => (random = (Math.imul(random, 1103515245) + 12345) >>> 0) % n;
  const counts = { flips: 0, resolved: 0, samples: 0 };
  const loop = async (everyMs: number, work: () => Promise<void>) => {
    while (running) {
      await work().catch((error) => {
        if (!['ConflictError', 'NotFoundError'].includes((error as Error).name)) throw error;
      });
      await new Promise((r) => setTimeout(r, everyMs));
    }
  };
  const done = Promise.all([
    loop(15, async () => {
      const agent = agents[next(agents.length)]!;
      if (next(3) === 0) await setAgentCapacity(deps, { tenantId: world.tenantId, userId: agent, capacity: { chat: 1 + next(MAX_CAPACITY) } });
      else
        await setAgentStatus(deps, { tenantId: world.tenantId, userId: agent, status: (['online', 'online', 'busy', 'away', 'offline'] as const)[next(5)]! });
      counts.flips++;
    }),
    loop(10, async () => {
      const open = await db
        .selectFrom('conversations')
        .select('id')
        .where('tenant_id', '=', world.tenantId)
        .where('status', '=', 'assigned')
        .limit(20)
        .execute();
      const pick = open[next(Math.max(1, open.length))];
      if (pick) {
        await resolveConversation(deps, { tenantId: world.tenantId, conversationId: pick.id, actorId: agents[0]! });
        counts.resolved++;
      }
    }),
    loop(20, async () => {
      const over = await sql<{ assignee_id: string; n: number }>`select assignee_id, count(*)::int as n from conversations
        where tenant_id = ${world.tenantId} and status = 'assigned' group by assignee_id having count(*) > ${MAX_CAPACITY}`.execute(db);
      for (const row of over.rows) sampled.push(`${row.assignee_id} held ${row.n}`);
      counts.samples++;
    }),
  ]);
  return {
    sampled,
    counts,
    stop: async () => {
      running = false;
      await done;
    },
  };
}

export async function storedCount(db: Db, world: World): Promise<number> {
  const { n } = await db
    .selectFrom('messages')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('tenant_id', '=', world.tenantId)
    .where('direction', '=', 'in')
    .executeTakeFirstOrThrow();
  return n;
}

/** The invariants, checked after the run. */
export async function expectInvariants(db: Db, world: World, sent: InboundEnvelope[], sampled: string[]): Promise<void> {
  // Every message stored exactly once.
  const stored = await db
    .selectFrom('messages')
    .select(['external_id', 'conversation_id', 'id'])
    .where('tenant_id', '=', world.tenantId)
    .where('direction', '=', 'in')
    .orderBy('id')
    .execute();
  expect(stored).toHaveLength(sent.length);
  expect(new Set(stored.map((m) => m.external_id)).size).toBe(sent.length);

  // Each customer's messages in the order sent, in one conversation (reopened after a resolve).
  const expected = new Map<string, string[]>();
  for (const e of sent) {
    const list = expected.get(e.message.sender.externalId) ?? [];
    list.push(e.message.externalId);
    expected.set(e.message.sender.externalId, list);
  }
  const actual = new Map<string, { ids: string[]; conversations: Set<string> }>();
  for (const m of stored) {
    const customer = m.external_id!.replace(/-\d+$/, '');
    const entry = actual.get(customer) ?? { ids: [], conversations: new Set() };
    entry.ids.push(m.external_id!);
    entry.conversations.add(m.conversation_id);
    actual.set(customer, entry);
  }
  for (const [customer, ids] of expected) {
    expect(actual.get(customer)?.ids).toEqual(ids);
    expect(actual.get(customer)?.conversations.size).toBe(1);
  }

  // Never two agents at once, never above capacity: the sampler, the log and the final state agree.
  expect(sampled).toEqual([]);
  expect(await assignmentViolations(db, world.tenantId)).toEqual([]);
  const unrouted = await db
    .selectFrom('conversations')
    .select(['id', 'status', 'assignee_id'])
    .where('tenant_id', '=', world.tenantId)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'assigned'), eb('assignee_id', 'is', null)]),
        eb('status', '=', 'open'),
        eb.and([eb('status', '=', 'queued'), eb('assignee_id', 'is not', null)]),
      ]),
    )
    .execute();
  expect(unrouted).toEqual([]);
}
