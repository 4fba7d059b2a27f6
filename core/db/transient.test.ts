import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase, DATABASE_URL } from '../../test/support/services.js';
import { isTransientDbError, retryTransient } from './transient.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
});

describe('transient database errors', () => {
  // Also the regression test of the pool: before every client had an error listener, the cut
  // session's 'error' event was uncaught (it ends a process; vitest fails the run on it).
  it.skipIf(!DATABASE_URL)('a transaction whose session the server cuts is run again and commits once', async () => {
    const handle = await freshDatabase('pg');
    cleanups.push(() => handle.drop());
    await sql`create table t_retry (k text primary key)`.execute(handle.db);
    let attempts = 0;
    const retried: unknown[] = [];
    await retryTransient(
      () =>
        handle.db.transaction().execute(async (trx) => {
          attempts++;
          await sql`insert into t_retry (k) values ('once') on conflict do nothing`.execute(trx);
          // The first time, the server ends this session mid-transaction (as a restart does).
          if (attempts === 1) await sql`select pg_terminate_backend(pg_backend_pid())`.execute(trx);
        }),
      { baseDelayMs: 10, onRetry: (error) => retried.push(error) },
    );
    expect(attempts).toBe(2);
    expect(retried).toHaveLength(1);
    expect(isTransientDbError(retried[0])).toBe(true);
    const rows = await sql<{ k: string }>`select k from t_retry`.execute(handle.db);
    expect(rows.rows).toEqual([{ k: 'once' }]);
  });

  it.skipIf(!DATABASE_URL)('a failure of the work itself (a broken constraint) is not tried again', async () => {
    const handle = await freshDatabase('pg');
    cleanups.push(() => handle.drop());
    await sql`create table t_once (k text primary key)`.execute(handle.db);
    await sql`insert into t_once (k) values ('taken')`.execute(handle.db);
    let attempts = 0;
    await expect(
      retryTransient(() => {
        attempts++;
        return sql`insert into t_once (k) values ('taken')`.execute(handle.db);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(attempts).toBe(1);
  });

  it('a refused connection counts as transient, a validation error does not', () => {
    expect(isTransientDbError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientDbError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isTransientDbError(Object.assign(new Error('the database system is starting up'), { code: '57P03' }))).toBe(true);
    // A write that reached a standby (or a primary demoted under it): the pool moves to the new primary.
    expect(isTransientDbError(Object.assign(new Error('cannot execute INSERT in a read-only transaction'), { code: '25006' }))).toBe(true);
    expect(isTransientDbError(new AggregateError([Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isTransientDbError(new Error('invalid input syntax for type uuid'))).toBe(false);
    expect(isTransientDbError(undefined)).toBe(false);
  });

  it('gives up after its patience and throws the last error', async () => {
    let attempts = 0;
    const refused = Object.assign(new Error('refused'), { code: 'ECONNREFUSED' });
    await expect(
      retryTransient(
        async () => {
          attempts++;
          throw refused;
        },
        { patienceMs: 50, baseDelayMs: 10 },
      ),
    ).rejects.toBe(refused);
    expect(attempts).toBeGreaterThan(1);
  });
});
