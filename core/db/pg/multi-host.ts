// Several PostgreSQL hosts in one DATABASE_URL, as libpq takes them:
//   postgres://user:secret@db1:5432,db2:5432/switchboard?target_session_attrs=read-write
// node-postgres takes one host only, so the pool here keeps one pg pool per host and hands out
// connections of the host that is the primary now. A new connection is checked once
// (`pg_is_in_recovery()`, `transaction_read_only`); one that fails to connect, or turns out to
// be a standby, moves on to the next host. A connection whose query failed with a connection
// error (or a read-only error: the host was demoted) is dropped instead of returned to the pool,
// and the next connection starts the walk again — so after a failover the processes reach the
// promoted standby by themselves, without a restart.
import pg from 'pg';
import { keepingPlans } from './kept-plans.js';
import type { TargetSessionAttrs } from './database-url.js';

export { parseDatabaseUrl } from './database-url.js';

/** A failure that says the connection (or the server's role) is gone, not the statement. */
export function isConnectionError(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    // 08: connection exception; 57P01-57P03: shut down, crash, cannot connect now;
    // 25006: read-only transaction (a standby, or a primary demoted under us).
    if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03' || code === '25006') return true;
    if (/^E[A-Z]+$/.test(code)) return true; // ECONNRESET, ECONNREFUSED, EPIPE, ETIMEDOUT…
  }
  const message = (error as { message?: unknown }).message;
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|not queryable|terminating connection/i.test(message)
  );
}

export interface MultiHostPoolOptions {
  urls: string[];
  targetSessionAttrs: TargetSessionAttrs;
  /** Connections per host pool. */
  max: number;
  /** How long one connect walks the hosts (a failover in progress) before it fails. */
  failoverWaitMs?: number;
  /** How long one host may take to accept a connection. */
  connectTimeoutMs?: number;
}

interface PoolClient {
  query: pg.PoolClient['query'];
  release(destroy?: boolean | Error): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Each connection's query that keeps marked statements' plans (./kept-plans.ts), made once per connection. */
const kept = new WeakMap<pg.PoolClient, pg.PoolClient['query']>();

/** The pool Kysely's PostgresDialect needs (`connect`, `end`), over one pg pool per host. */
export class MultiHostPool {
  private readonly pools: pg.Pool[];
  /** Connections already checked to be on a host of the wanted kind. */
  private readonly checked = new WeakSet<pg.PoolClient>();
  private current = 0;
  private ended = false;

  constructor(private readonly options: MultiHostPoolOptions) {
    this.pools = options.urls.map((connectionString) => {
      const pool = new pg.Pool({ connectionString, max: options.max, connectionTimeoutMillis: options.connectTimeoutMs ?? 5000 });
      // A broken idle connection must not take the process down; the pool replaces it.
      pool.on('error', () => {});
      // Nor one that breaks while checked out: the query in flight fails on its own.
      pool.on('connect', (client) => {
        client.on('error', () => {});
      });
      return pool;
    });
  }

  /** Index of the host connections go to now. */
  get currentHost(): number {
    return this.current;
  }

  async connect(): Promise<PoolClient> {
    const deadline = Date.now() + (this.options.failoverWaitMs ?? 15_000);
    let lastError: unknown;
    for (let round = 0; ; round++) {
      const start = this.current;
      for (let step = 0; step < this.pools.length; step++) {
        if (this.ended) throw new Error('the database pool is closed');
        const index = (start + step) % this.pools.length;
        try {
          const client = await this.pools[index]!.connect();
          if (!(await this.suits(client))) {
            client.release(true);
            lastError = new Error(`database host ${index + 1} is not ${this.options.targetSessionAttrs}`);
            continue;
          }
          this.current = index;
          return this.wrap(client, index);
        } catch (error) {
          lastError = error;
        }
      }
      if (Date.now() >= deadline) throw lastError;
      await sleep(Math.min(1000, 50 * 2 ** Math.min(round, 5)));
    }
  }

  async end(): Promise<void> {
    this.ended = true;
    await Promise.all(this.pools.map((pool) => pool.end().catch(() => {})));
  }

  private async suits(client: pg.PoolClient): Promise<boolean> {
    if (this.options.targetSessionAttrs === 'any' || this.checked.has(client)) return true;
    const result = await client.query<{ recovery: boolean; read_only: string }>(
      "SELECT pg_is_in_recovery() AS recovery, current_setting('transaction_read_only') AS read_only",
    );
    const row = result.rows[0]!;
    const ok = this.options.targetSessionAttrs === 'primary' ? !row.recovery : !row.recovery && row.read_only !== 'on';
    if (ok) this.checked.add(client);
    return ok;
  }

  /** Drops the connection (and moves on from its host) when a query on it failed for connection's sake. */
  private wrap(client: pg.PoolClient, index: number): PoolClient {
    let broken = false;
    const send = (kept.get(client) ?? kept.set(client, keepingPlans(client)).get(client)!) as (...a: unknown[]) => unknown;
    const query = ((...args: Parameters<pg.PoolClient['query']>) => {
      const result = send(...args);
      if (result && typeof (result as Promise<unknown>).then === 'function') {
        (result as Promise<unknown>).catch((error: unknown) => {
          if (isConnectionError(error)) broken = true;
        });
      }
      return result;
    }) as pg.PoolClient['query'];
    return {
      query,
      release: (destroy?: boolean | Error) => {
        if (broken || destroy) {
          if (broken && this.current === index && this.pools.length > 1) this.current = (index + 1) % this.pools.length;
          client.release(true);
        } else client.release();
      },
    };
  }
}
