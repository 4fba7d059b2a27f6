import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../test/support/router-world.js';
import { freshDatabase } from '../../test/support/services.js';
import { JobRunner, type JobOutcome } from './runner.js';

describe('job runner', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  beforeAll(async () => {
    handle = await freshDatabase();
  });
  afterAll(() => handle?.drop());

  const schedule = (kind: string, key: string, secondsFromNow = -1) =>
    handle.db
      .insertInto('jobs')
      .values({ tenant_id: null, kind, key, run_at: sql<Date>`now() + make_interval(secs => ${secondsFromNow})`, payload: JSON.stringify({ key }) })
      .execute();
  const job = (key: string) => handle.db.selectFrom('jobs').selectAll().where('key', '=', key).executeTakeFirst();

  it('runs each due job of its kinds once, with the handler its feature registered, and leaves other kinds alone', async () => {
    const seen: string[] = [];
    const runner = new JobRunner({ db: handle.db, logger: silentLogger })
      .register({
        kind: 'test.a',
        run: async (_trx, j) => {
          seen.push(`a:${(j.payload as { key: string }).key}`);
          return 'done';
        },
      })
      .register({
        kind: 'test.b',
        run: async (_trx, j) => {
          seen.push(`b:${(j.payload as { key: string }).key}`);
          return 'done';
        },
      });
    await schedule('test.a', 'a1');
    await schedule('test.b', 'b1');
    await schedule('test.a', 'later', 3600);
    await schedule('other.kind', 'o1');
    expect(await Promise.all([runner.runDue(), runner.runDue()]).then(([x, y]) => x + y)).toBe(2);
    expect(seen.sort()).toEqual(['a:a1', 'b:b1']);
    expect(await job('a1')).toBeUndefined();
    expect(await job('later')).toBeDefined();
    expect(await job('o1')).toBeDefined();
    expect(() =>
      runner.register({
        kind: 'test.a',
        run: async () => 'done',
      }),
    ).toThrow(/registered already/);
  });

  it('leaves a busy job for the next pass and tries a failed one again later with its error kept', async () => {
    let outcome: JobOutcome = 'busy';
    const runner = new JobRunner({ db: handle.db, logger: silentLogger }).register({ kind: 'test.busy', run: async () => outcome }).register({
      kind: 'test.fails',
      run: async () => {
        throw new Error('provider down');
      },
      retryDelaySeconds: () => 60,
    });
    await schedule('test.busy', 'busy1');
    await schedule('test.fails', 'fails1');
    expect(await runner.runDue()).toBe(0);
    expect(await job('busy1')).toBeDefined();
    const failed = (await job('fails1'))!;
    expect(failed).toMatchObject({ attempts: 1, last_error: 'Error: provider down' });
    expect(new Date(failed.run_at).getTime()).toBeGreaterThan(Date.now() + 50_000);
    outcome = 'done';
    expect(await runner.runDue()).toBe(1);
    expect(await job('busy1')).toBeUndefined();
  });

  it('runs the due jobs at the clock it is given, and its periodic tasks', async () => {
    const ran: Date[] = [];
    const start = new Date(Date.now() + 2 * 3600_000);
    const runner = new JobRunner({ db: handle.db, logger: silentLogger }, { clock: () => start, pollMs: 10 })
      .register({
        kind: 'test.clock',
        run: async (_trx, _j, now) => {
          ran.push(now);
          return 'done';
        },
      })
      .every({
        name: 'tick',
        everyMs: 60_000,
        atStart: true,
        run: async (now) => {
          ran.push(now);
          return 0;
        },
      });
    await schedule('test.clock', 'c1', 3600);
    expect(await runner.runDue(new Date())).toBe(0);
    runner.start();
    await new Promise((r) => setTimeout(r, 300));
    await runner.stop();
    expect(ran).toEqual([start, start]);
  });
});
