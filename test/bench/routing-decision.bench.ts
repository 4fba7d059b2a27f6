// The routing decision with 1,000 agents online in 50 groups (each agent in two groups, five
// skills each, 2,000 conversations already assigned). Scenarios:
//   strategy-<name>   the strategy's pick over a group's 40 candidates, in memory
//   decision-db       what the pipeline does per conversation: rules → group → the group's
//                     candidates from the agent pool → the strategy's pick (sticky groups read
//                     the contact's last agent, preloaded for the batch)
//   previous-agents-preload  once per batch: the last agent of the batch's contacts, one query
//   agent-pool-group-load  what the pipeline does once per group per batch, under the tenant's
//                     routing lock: read the group's online agents with skills, capacity, live load
// Uses DATABASE_URL (a fresh database beside it) if set, else an in-memory PGlite.
// Prints one JSON object per scenario on stdout.
import { sql } from 'kysely';
import { AgentPool } from '../../router/assignment/agent-pool.js';
import { chooseAgent } from '../../router/assignment/place.js';
import { lockTenantRouting } from '../../router/locking.js';
import { calendarLookup, loadRoutingConfig } from '../../router/rules/config.js';
import { decideRoute } from '../../router/rules/decide.js';
import { strategyFor, type AgentCandidate } from '../../router/strategies/index.js';
import { freshDatabase } from '../support/services.js';

const AGENTS = 1000;
const GROUPS = 50;
const SKILLS = 20;
const DECISIONS = Number(process.env.BENCH_DECISIONS ?? 5000);
const DB_DECISIONS = Number(process.env.BENCH_DB_DECISIONS ?? 2000);

function summary(scenario: string, samples: number[], extra: Record<string, unknown> = {}) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => Number(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(4));
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  process.stdout.write(
    `${JSON.stringify({ scenario, agents: AGENTS, groups: GROUPS, decisions: samples.length, p50_ms: at(0.5), p95_ms: at(0.95), p99_ms: at(0.99), max_ms: at(1), mean_ms: Number(mean.toFixed(4)), ...extra })}\n`,
  );
}

// A deterministic pseudo-random sequence, so runs compare.
let seed = 42;
const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;

function inMemory(): void {
  const skills = Array.from({ length: SKILLS }, (_, i) => `skill-${i}`);
  const groups: AgentCandidate[][] = Array.from({ length: GROUPS }, () => []);
  for (let i = 0; i < AGENTS; i++) {
    const agent: AgentCandidate = {
      id: `agent-${String(i).padStart(4, '0')}`,
      load: Math.floor(random() * 5),
      capacity: 5,
      lastAssignedAt: Date.now() - Math.floor(random() * 3_600_000),
      skills: Object.fromEntries(Array.from({ length: 5 }, () => [skills[Math.floor(random() * SKILLS)]!, 1 + Math.floor(random() * 5)])),
    };
    groups[i % GROUPS]!.push(agent);
    groups[(i * 7 + 3) % GROUPS]!.push(agent);
  }
  for (const name of ['round_robin', 'least_busy', 'skill_weighted', 'sticky'] as const) {
    const strategy = strategyFor(name);
    const samples: number[] = [];
    for (let i = 0; i < DECISIONS; i++) {
      const candidates = groups[Math.floor(random() * GROUPS)]!;
      const request = {
        requiredSkills: name === 'skill_weighted' ? [{ skillId: skills[Math.floor(random() * SKILLS)]!, minLevel: 1 }] : [],
        previousAgentId: candidates[Math.floor(random() * candidates.length)]!.id,
      };
      const start = performance.now();
      const picked = strategy.pick(candidates, request);
      samples.push(performance.now() - start);
      if (picked) picked.lastAssignedAt = Date.now();
    }
    summary(`strategy-${name}`, samples, { candidates_per_group: groups[0]!.length });
  }
}

async function withDatabase(): Promise<void> {
  const handle = await freshDatabase();
  const db = handle.db;
  try {
    const tenant = await db.insertInto('tenants').values({ slug: 'bench', name: 'Bench' }).returning('id').executeTakeFirstOrThrow();
    const t = tenant.id;
    await sql`insert into roles (tenant_id, name) values (${t}, 'agent')`.execute(db);
    await sql`insert into channels (tenant_id, type, name) values (${t}, 'web', 'Site')`.execute(db);
    await sql`insert into groups (tenant_id, name, strategy)
      select ${t}, 'group-' || g, (array['round_robin','least_busy','skill_weighted','sticky'])[1 + g % 4]
      from generate_series(0, ${GROUPS - 1}) g`.execute(db);
    await sql`insert into skills (tenant_id, name) select ${t}, 'skill-' || s from generate_series(0, ${SKILLS - 1}) s`.execute(db);
    await sql`insert into users (tenant_id, email, name, role_id, account_status, agent_status, capacity)
      select ${t}, 'agent-' || a || '@example.com', 'Agent ' || a, (select id from roles where tenant_id = ${t}), 'active', 'online',
             '{"chat": 5, "email": 20, "voice": 1}'
      from generate_series(0, ${AGENTS - 1}) a`.execute(db);
    // Each agent in two groups; five skills each.
    await sql`insert into group_members (tenant_id, group_id, user_id)
      select ${t}, g.id, u.id from (select id, row_number() over (order by email) - 1 as n from users where tenant_id = ${t}) u
      join (select id, row_number() over (order by name) - 1 as n from groups where tenant_id = ${t}) g
        on g.n = u.n % ${GROUPS} or g.n = (u.n * 7 + 3) % ${GROUPS}
      on conflict do nothing`.execute(db);
    await sql`insert into agent_skills (tenant_id, user_id, skill_id, level)
      select ${t}, u.id, s.id, 1 + (u.n + s.n) % 5
      from (select id, row_number() over (order by email) - 1 as n from users where tenant_id = ${t}) u
      join (select id, row_number() over (order by name) - 1 as n from skills where tenant_id = ${t}) s on (u.n + s.n) % 4 = 0`.execute(db);
    await sql`insert into contacts (tenant_id, name) select ${t}, 'c' || i from generate_series(1, 4000) i`.execute(db);
    // 2,000 conversations already assigned (load to count), 2,000 waiting to be routed.
    await sql`insert into conversations (tenant_id, channel_id, contact_id, status, group_id, assignee_id, assigned_at)
      select ${t}, (select id from channels where tenant_id = ${t}), c.id,
             case when c.n <= 2000 then 'assigned' else 'open' end,
             (select id from groups where tenant_id = ${t} order by name offset (c.n % ${GROUPS}) limit 1),
             case when c.n <= 2000 then (select id from users where tenant_id = ${t} order by email offset (c.n % ${AGENTS}) limit 1) end,
             case when c.n <= 2000 then now() end
      from (select id, row_number() over (order by name) as n from contacts where tenant_id = ${t}) c`.execute(db);
    await sql`analyze`.execute(db);
    const groupIds = (await db.selectFrom('groups').select('id').where('tenant_id', '=', t).orderBy('name').execute()).map((g) => g.id);
    for (const [i, groupId] of groupIds.slice(0, 10).entries()) {
      await db
        .insertInto('routing_rules')
        .values({
          tenant_id: t,
          name: `rule-${i}`,
          position: i,
          conditions: JSON.stringify([{ type: 'keyword', anyOf: [`topic-${i}`] }]),
          actions: JSON.stringify({ groupId, priority: 1 }),
        })
        .execute();
    }
    await db.insertInto('router_settings').values({ tenant_id: t, default_group_id: groupIds[0]! }).execute();
    const waiting = await db.selectFrom('conversations').selectAll().where('tenant_id', '=', t).where('status', '=', 'open').execute();

    const samples: number[] = [];
    const poolLoads: number[] = [];
    const preloads: number[] = [];
    let assigned = 0;
    const perTransaction = 100;
    for (let done = 0; done < DB_DECISIONS; done += perTransaction) {
      await db
        .transaction()
        .execute(async (trx) => {
          await lockTenantRouting(trx, t);
          const config = await loadRoutingConfig(trx, t);
          const pool = new AgentPool(trx, t);
          for (const groupId of groupIds) {
            const loadStart = performance.now();
            await pool.candidates(groupId, 'chat');
            poolLoads.push(performance.now() - loadStart);
          }
          const contacts = Array.from({ length: perTransaction }, (_, i) => waiting[(done + i) % waiting.length]!.contact_id);
          const preloadStart = performance.now();
          await pool.preloadPreviousAgents(contacts);
          preloads.push(performance.now() - preloadStart);
          for (let i = 0; i < perTransaction && done + i < DB_DECISIONS; i++) {
            const base = waiting[(done + i) % waiting.length]!;
            const topic = Math.floor(random() * GROUPS);
            const now = new Date();
            const start = performance.now();
            const route = decideRoute(config, {
              channel: { id: base.channel_id, type: 'web' },
              contact: { attributes: {}, tags: [] },
              text: `about topic-${topic}`,
              language: undefined,
              now,
              isOpen: calendarLookup(config, now),
            });
            const groupId = topic < 10 ? route.groupId : groupIds[topic]!;
            const group = config.groups.get(groupId!);
            const agent = await chooseAgent(trx, pool, { ...base, group_id: groupId }, group, { reason: 'bench' });
            if (agent) pool.recordAssignment(agent.id, 'chat', base.contact_id);
            samples.push(performance.now() - start);
            if (agent) assigned++;
          }
          // Roll back: every decision sees the same 2,000 assigned.
          throw new RollbackSignal();
        })
        .catch((error) => {
          if (!(error instanceof RollbackSignal)) throw error;
        });
    }
    summary('decision-db', samples, {
      database: handle.kind,
      agents_found: assigned,
      candidates_per_group: (2 * AGENTS) / GROUPS,
      decisions_per_transaction: perTransaction,
    });
    summary('previous-agents-preload', preloads, { database: handle.kind, contacts_per_batch: perTransaction });
    summary('agent-pool-group-load', poolLoads, { database: handle.kind, assigned_conversations: 2000, agents_per_group: (2 * AGENTS) / GROUPS });
  } finally {
    await handle.drop();
  }
}

class RollbackSignal extends Error {}

inMemory();
await withDatabase();
