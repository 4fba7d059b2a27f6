// The agents' load counters (migrations/0009_perf_agent_load.ts) against the conversations table,
// through every kind of change a conversation can go through — including ones no router code
// makes (a direct insert, a deleted agent, a deleted conversation) — on PostgreSQL and PGlite.
import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../core/db/database.js';
import { DATABASE_URL, freshDatabase } from './support/services.js';
import { addAgent, createWorld, type World } from './support/router-world.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

/** Counter rows that differ from a count of the conversations (as "agent|kind: counter vs count"). */
async function drift(db: Db, tenantId: string): Promise<string[]> {
  const counters = await db.selectFrom('agent_load').select(['user_id', 'kind', 'assigned']).where('tenant_id', '=', tenantId).execute();
  const counts = await db
    .selectFrom('conversations')
    .select(['assignee_id', 'kind', (eb) => eb.fn.countAll<string>().as('n')])
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'assigned')
    .where('assignee_id', 'is not', null)
    .groupBy(['assignee_id', 'kind'])
    .execute();
  const want = new Map(counts.map((c) => [`${c.assignee_id}|${c.kind}`, Number(c.n)]));
  const have = new Map(counters.map((c) => [`${c.user_id}|${c.kind}`, c.assigned]));
  const problems: string[] = [];
  for (const key of new Set([...want.keys(), ...have.keys()])) {
    if ((want.get(key) ?? 0) !== (have.get(key) ?? 0)) problems.push(`${key}: ${have.get(key) ?? 0} vs ${want.get(key) ?? 0}`);
  }
  return problems;
}

async function contact(world: World, name: string): Promise<string> {
  const row = await world.db.insertInto('contacts').values({ tenant_id: world.tenantId, name }).returning('id').executeTakeFirstOrThrow();
  return row.id;
}

const drivers = [
  { name: 'pg', available: Boolean(DATABASE_URL) },
  { name: 'pglite', available: true },
] as const;

describe('agent load counters', () => {
  for (const driver of drivers) {
    it.skipIf(!driver.available)(`follow every change of who holds which conversation, on ${driver.name}`, { timeout: 60_000 }, async () => {
      const handle = await freshDatabase(driver.name);
      cleanups.push(() => handle.drop());
      const db = handle.db;
      const world = await createWorld(db, `load-${driver.name}`);
      const ana = await addAgent(world, 'Ana');
      const ben = await addAgent(world, 'Ben');
      const load = async (agentId: string, kind = 'chat') =>
        (
          await db
            .selectFrom('agent_load')
            .select('assigned')
            .where('user_id', '=', agentId)
            .where('kind', '=', kind as 'chat')
            .executeTakeFirst()
        )?.assigned ?? 0;

      // Inserted already assigned, and inserted open then assigned.
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        const row = await db
          .insertInto('conversations')
          .values({
            tenant_id: world.tenantId,
            channel_id: world.channelId,
            contact_id: await contact(world, `c${i}`),
            status: i < 2 ? 'assigned' : 'open',
            assignee_id: i < 2 ? ana : null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(row.id);
      }
      expect(await load(ana)).toBe(2);
      await db.updateTable('conversations').set({ status: 'assigned', assignee_id: ben }).where('id', 'in', [ids[2]!, ids[3]!]).execute();
      expect([await load(ana), await load(ben)]).toEqual([2, 2]);

      // Moved from one agent to another, changed kind, resolved, reopened, queued.
      await db.updateTable('conversations').set({ assignee_id: ben }).where('id', '=', ids[0]!).execute();
      expect([await load(ana), await load(ben)]).toEqual([1, 3]);
      await db.updateTable('conversations').set({ kind: 'email' }).where('id', '=', ids[1]!).execute();
      expect([await load(ana), await load(ana, 'email')]).toEqual([0, 1]);
      await db.updateTable('conversations').set({ status: 'resolved' }).where('id', '=', ids[2]!).execute();
      expect(await load(ben)).toBe(2);
      await db.updateTable('conversations').set({ status: 'open', assignee_id: null }).where('id', '=', ids[2]!).execute();
      await db.updateTable('conversations').set({ status: 'queued', assignee_id: null }).where('id', '=', ids[3]!).execute();
      expect(await load(ben)).toBe(1);
      // A change that does not touch who holds it leaves the counter alone.
      await db.updateTable('conversations').set({ last_message_at: new Date(), priority: 3 }).where('id', '=', ids[0]!).execute();
      expect(await load(ben)).toBe(1);
      expect(await drift(db, world.tenantId)).toEqual([]);

      // Deleted conversations and a deleted agent (their conversations lose the assignee).
      await db.deleteFrom('conversations').where('id', '=', ids[1]!).execute();
      expect(await load(ana, 'email')).toBe(0);
      await db.updateTable('conversations').set({ status: 'assigned', assignee_id: ana }).where('id', 'in', [ids[2]!, ids[3]!]).execute();
      expect(await load(ana)).toBe(2);
      await db.deleteFrom('users').where('id', '=', ana).execute();
      expect(await db.selectFrom('agent_load').select('assigned').where('user_id', '=', ana).execute()).toEqual([]);
      expect(await drift(db, world.tenantId)).toEqual([]);

      // A counter never goes below zero: a release of nothing is refused.
      await expect(
        db
          .updateTable('agent_load')
          .set({ assigned: -1 } as never)
          .where('user_id', '=', ben)
          .execute(),
      ).rejects.toThrow();
    });
  }
});
