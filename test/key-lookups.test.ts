// A stored message costs the same whatever the data: the statements on the inbound path reach
// their rows by key, even on a new install whose tables have no statistics yet (autovacuum off,
// or not run yet) and whose plans are made while the tables are empty.
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundPipeline } from '../app/pipeline.js';
import type { Database } from '../core/db/schema.js';
import { processInbound } from '../router/pipeline/process-batch.js';
import { DATABASE_URL, freshDatabase } from './support/services.js';
import { addAgent, addGroup, createWorld, envelope, setDefaultGroup } from './support/router-world.js';

type Plan = { 'Node Type': string; 'Index Name'?: string; 'Index Cond'?: string; Filter?: string; Plans?: Plan[] };
const scans = (plan: Plan): Plan[] => [...(/Scan/.test(plan['Node Type']) ? [plan] : []), ...(plan.Plans ?? []).flatMap(scans)];

describe.skipIf(!DATABASE_URL)('key lookups on the inbound path', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase('pg');
  });
  afterAll(() => handle?.drop());

  it('checks every company-scoped foreign key through an index on the id, not by reading the company', async () => {
    // PostgreSQL checks `(tenant_id, x_id) REFERENCES x(tenant_id, id)` with this query, planned
    // once per connection and kept: made on an empty table, it must already probe by id.
    const { rows: referenced } = await sql<{ table: string }>`select distinct c.confrelid::regclass::text as table from pg_constraint c
      join pg_attribute a on a.attrelid = c.confrelid and a.attnum = any(c.confkey)
      where c.contype = 'f' and array_length(c.confkey, 1) = 2
      group by c.oid, c.confrelid having array_agg(a.attname::text order by a.attname) = array['id', 'tenant_id']`.execute(handle.db);
    expect(referenced.map((r) => r.table)).toEqual(expect.arrayContaining(['conversations', 'users', 'contacts', 'channels', 'groups']));
    const wrong: string[] = [];
    await handle.db.connection().execute(async (db) => {
      await sql`set plan_cache_mode = force_generic_plan`.execute(db);
      for (const { table } of referenced) {
        await sql.raw(`prepare ri_check(uuid, uuid) as select 1 from only ${table} x where tenant_id = $1 and id = $2 for key share of x`).execute(db);
        const { rows } = await sql
          .raw<{ 'QUERY PLAN': [{ Plan: Plan }] }>('explain (format json) execute ri_check(gen_random_uuid(), gen_random_uuid())')
          .execute(db);
        await sql`deallocate ri_check`.execute(db);
        for (const scan of scans(rows[0]!['QUERY PLAN'][0].Plan))
          if (!/\bid = \$2/.test(scan['Index Cond'] ?? ''))
            wrong.push(`${table}: ${scan['Node Type']} ${scan['Index Name'] ?? ''} ${scan['Index Cond'] ?? ''}`);
      }
      await sql`reset plan_cache_mode`.execute(db);
    });
    expect(wrong).toEqual([]);
  });

  it('cleans the outbox by reading the events it deletes, not the hour it keeps', async () => {
    const tenant = await handle.db.insertInto('tenants').values({ slug: 'outbox-cleanup', name: 'Outbox cleanup' }).returning('id').executeTakeFirstOrThrow();
    // An hour and a bit of published events, 10 a second; the cleanup deletes those over an hour old.
    await sql`insert into outbox (tenant_id, kind, payload, published_at, created_at)
      select ${tenant.id}, 'message.created', '{}'::jsonb, now() - g * interval '100 milliseconds', now() - g * interval '100 milliseconds'
      from generate_series(1, 37000) g`.execute(handle.db);
    await sql`analyze outbox`.execute(handle.db);
    const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: Plan & { 'Actual Rows'?: number; 'Rows Removed by Filter'?: number } }] }>`
      explain (analyze, format json) delete from outbox where published_at < now() - interval '1 hour'`.execute(handle.db);
    const [scan] = scans(rows[0]!['QUERY PLAN'][0].Plan) as (Plan & { 'Actual Rows': number; 'Rows Removed by Filter'?: number })[];
    expect(scan!['Actual Rows']).toBeGreaterThan(500);
    expect(scan!['Rows Removed by Filter'] ?? 0).toBe(0);
    expect(scan!['Index Name']).toBe('outbox_published');
  });

  it('reads a few dozen rows per message, as many with 1,000 conversations as with 300', async () => {
    // One connection, so its statistics can be flushed on demand and its cached plans are the
    // ones made while the tables were empty, as in a router that started on a new install.
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: handle.url, max: 1 }) }) });
    try {
      // The counts are the whole database's: a connection flushes what it read up to 10 s after
      // going idle, so the earlier tests' connections (up to five) flush now, all at once, and
      // this test's set-up runs on its own connection, whose flush it forces.
      await Promise.all(Array.from({ length: 5 }, () => sql`select pg_stat_force_next_flush(), pg_sleep(0.1)`.execute(handle.db)));
      const world = await createWorld(db, 'key-lookups');
      const support = await addGroup(world, 'Support');
      await setDefaultGroup(world, support);
      for (let i = 0; i < 10; i++) await addAgent(world, `agent-${i}`, { groups: [support], capacity: { chat: 1000 } });
      const rowsRead = async () => {
        await sql`select pg_stat_force_next_flush()`.execute(db);
        await sql`select pg_stat_clear_snapshot()`.execute(db);
        const { rows } = await sql<{ n: string }>`select sum(seq_tup_read + coalesce(idx_tup_fetch, 0)) as n from pg_stat_user_tables`.execute(db);
        return Number(rows[0]!.n);
      };
      let sent = 0;
      // Each round: 100 new customers, then a message from each of 100 customers who wrote before.
      const round = async () => {
        const customers = sent / 2;
        const batch = [
          ...Array.from({ length: 100 }, (_, i) => envelope(world, { from: `c-${customers + i}`, id: `m-${sent + i}` })),
          ...Array.from({ length: 100 }, (_, i) => envelope(world, { from: `c-${(i * 7919) % (customers + 100)}`, id: `m-${sent + 100 + i}` })),
        ];
        sent += batch.length;
        for (let i = 0; i < batch.length; i += 100)
          await db.transaction().execute((trx) => processInbound(trx, batch.slice(i, i + 100), { pipeline: inboundPipeline }));
      };
      const perMessage = async (rounds: number) => {
        const before = await rowsRead();
        const from = sent;
        for (let r = 0; r < rounds; r++) await round();
        return ((await rowsRead()) - before) / (sent - from);
      };
      await perMessage(1); // plans made on the empty tables, as a new install's router makes them
      await perMessage(2);
      const early = await perMessage(1); // 300–400 conversations
      await perMessage(5);
      const late = await perMessage(1); // 900–1,000 conversations
      // Before the key lookups: about 520 rows per message at 300 conversations, planned on empty tables.
      expect(early).toBeLessThanOrEqual(50);
      expect(late).toBeLessThanOrEqual(50);
      expect(late).toBeLessThan(early * 1.5 + 5);
    } finally {
      await db.destroy();
    }
  });
});
