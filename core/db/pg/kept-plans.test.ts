import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emptyPgDatabase } from '../../../test/support/services.js';
import { keepPlan } from '../keep-plan.js';
import { openPgDatabase } from './pg-database.js';
import type { DatabaseHandle } from '../database.js';

const hasPostgres = !!process.env.DATABASE_URL;

describe.runIf(hasPostgres)('statements marked to keep their plan', () => {
  let empty: Awaited<ReturnType<typeof emptyPgDatabase>>;
  let handle: DatabaseHandle;
  beforeAll(async () => {
    empty = await emptyPgDatabase();
    // One connection, so every statement below runs on the same session.
    handle = openPgDatabase(empty.url, 1);
    await sql`create table kept (id int primary key, name text)`.execute(handle.db);
    await sql`insert into kept values (1, 'one'), (2, 'two')`.execute(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
    await empty?.drop();
  });

  const prepared = async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like '%keep plan%'`.execute(handle.db);
    return rows[0]!.n;
  };

  it('are prepared once per connection and answer with each run’s values', async () => {
    const byIds = (ids: number[]) =>
      sql<{ id: number; name: string }>`${keepPlan} select id, name from kept where id = any(${ids}::int[]) order by id`.execute(handle.db);
    expect((await byIds([1])).rows).toEqual([{ id: 1, name: 'one' }]);
    expect((await byIds([1, 2])).rows.map((r) => r.name)).toEqual(['one', 'two']);
    expect(await prepared()).toBe(1);
    // An unmarked statement is not kept.
    await sql`select id from kept where id = ${1}`.execute(handle.db);
    expect(await prepared()).toBe(1);
    // A builder's statement, marked at its end.
    const row = await handle.db
      .selectFrom('kept' as never)
      .select(['name' as never])
      .where('id' as never, '=', 2 as never)
      .modifyEnd(keepPlan)
      .executeTakeFirst();
    expect(row).toEqual({ name: 'two' });
    expect(await prepared()).toBe(2);
  });

  it('still answer after the table changes shape under them', async () => {
    const all = () => sql<Record<string, unknown>>`${keepPlan} select * from kept where id = ${1}`.execute(handle.db);
    expect((await all()).rows).toEqual([{ id: 1, name: 'one' }]);
    await sql`alter table kept add column note text`.execute(handle.db);
    // Outside a transaction the run is made again on a fresh statement.
    expect((await all()).rows).toEqual([{ id: 1, name: 'one', note: null }]);
    await sql`alter table kept add column extra int`.execute(handle.db);
    // Inside one, the transaction fails as on any error; the next one runs.
    const inTransaction = () =>
      handle.db.transaction().execute(async (trx) => (await sql<Record<string, unknown>>`${keepPlan} select * from kept where id = ${1}`.execute(trx)).rows);
    await expect(inTransaction()).rejects.toThrow(/cached plan/);
    expect(await inTransaction()).toEqual([{ id: 1, name: 'one', note: null, extra: null }]);
  });
});
