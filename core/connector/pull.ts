import { sql, type Kysely } from 'kysely';
import { hostname } from 'node:os';
import type { Database } from '../db/schema.js';
import { acceptPayloads } from './accept.js';
import { reportChannelState } from './channel-state.js';
import { channelHealth, contextFor, onChannelChanged, type ConnectorDeps } from './channel-context.js';
import { readable } from './health.js';
import type { AnyConnector, PullContext, PullInbound } from './define.js';
import { companyLinkAddress } from '../tenancy/address.js';

export interface PullLoopOptions {
  /**
   * Take a PostgreSQL advisory lock per channel on a connection of its own, so exactly one
   * process in the cluster runs a channel's loop. Off for the embedded database (one process,
   * one connection).
   */
  exclusive: boolean;
  /** How often channels are looked at (new, disabled, a lock another process let go). */
  rescanMs?: number;
  /** Names this process in `pull_cursors.holder`. */
  holder?: string;
}

interface Running {
  abort: AbortController;
  done: Promise<void>;
  /** The settings the loop started with: changed settings restart it. */
  version: number;
}

/**
 * Runs the pull loops of every enabled channel whose connector pulls. A loop that ends or
 * throws is started again at the next scan; a process that dies closes its connection, which
 * frees the lock, and another process takes the channel over at its next scan.
 */
export function startPullLoops(deps: ConnectorDeps, options: PullLoopOptions): { stop(): Promise<void> } {
  const pullers = deps.registry.list().filter((c) => c.inbound?.kind === 'pull' || typeof c.inbound?.run === 'function');
  const running = new Map<string, Running>();
  const holder = options.holder ?? `${hostname()}:${process.pid}`;
  const rescanMs = options.rescanMs ?? 2000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let scanning = false;
  let again = false;

  const scan = async () => {
    if (stopped || pullers.length === 0) return;
    if (scanning) {
      again = true;
      return;
    }
    scanning = true;
    clearTimeout(timer);
    try {
      const rows = await deps.db
        .selectFrom('channels')
        .selectAll()
        .where('enabled', '=', true)
        .where(
          'type',
          'in',
          pullers.map((c) => c.type),
        )
        .execute();
      const versions = new Map(rows.map((r) => [r.id, r.updated_at.getTime()]));
      for (const [id, loop] of running) if (versions.get(id) !== loop.version) loop.abort.abort();
      for (const row of rows) {
        if (running.has(row.id) || stopped) continue;
        const connector = deps.registry.require(row.type);
        const abort = new AbortController();
        const loop: Running = { abort, done: Promise.resolve(), version: row.updated_at.getTime() };
        running.set(row.id, loop);
        loop.done = runChannel(deps, connector, row, abort.signal, options.exclusive, holder, rescanMs)
          .catch((error: unknown) => {
            const message = readable(error instanceof Error ? error.message : String(error));
            deps.logger.warn({ channelId: row.id, err: message }, 'pull loop stopped with an error');
            return channelHealth(deps).failed({ id: row.id, tenantId: row.tenant_id }, 'receive', message);
          })
          .finally(() => running.delete(row.id));
      }
    } catch (error) {
      deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'pull scan failed');
    } finally {
      scanning = false;
      if (!stopped) timer = setTimeout(() => void scan(), again ? 0 : rescanMs);
      again = false;
    }
  };
  void scan();
  // A channel created or changed in this process is looked at at once.
  const unsubscribe = onChannelChanged(() => void scan());

  return {
    stop: async () => {
      stopped = true;
      unsubscribe();
      clearTimeout(timer);
      for (const loop of running.values()) loop.abort.abort();
      await Promise.all([...running.values()].map((l) => l.done));
    },
  };
}

async function runChannel(
  deps: ConnectorDeps,
  connector: AnyConnector,
  row: Parameters<typeof contextFor>[2],
  signal: AbortSignal,
  exclusive: boolean,
  holder: string,
  checkMs: number,
): Promise<void> {
  const inbound = connector.inbound as Pick<PullInbound<unknown>, 'run'>;
  if (!exclusive) return runLoop(deps, connector, inbound, row, signal, holder);
  // A dedicated connection: the session lock lives and dies with it.
  await deps.db.connection().execute(async (connection) => {
    const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_lock(hashtextextended(${`switchboard.pull:${row.id}`}, 0)) as locked`.execute(
      connection,
    );
    if (!rows[0]?.locked) return;
    const lost = new AbortController();
    const both = AbortSignal.any([signal, lost.signal]);
    const watch = setInterval(() => {
      // If this connection breaks, the lock is gone with it: stop before another process starts.
      sql`select 1`.execute(connection).catch(() => lost.abort());
    }, checkMs);
    try {
      deps.logger.info({ channelId: row.id, holder }, 'pull loop started');
      await runLoop(deps, connector, inbound, row, both, holder);
    } finally {
      clearInterval(watch);
      await sql`select pg_advisory_unlock(hashtextextended(${`switchboard.pull:${row.id}`}, 0))`.execute(connection).catch(() => {});
    }
  });
}

async function runLoop(
  deps: ConnectorDeps,
  connector: AnyConnector,
  inbound: Pick<PullInbound<unknown>, 'run'>,
  row: Parameters<typeof contextFor>[2],
  signal: AbortSignal,
  holder: string,
): Promise<void> {
  const ctx = contextFor(deps, connector, row, await companyLinkAddress(deps.db, deps.config, row.tenant_id));
  const db: Kysely<Database> = deps.db;
  const pull: PullContext<unknown> = {
    ...ctx,
    signal,
    reportState: (report) => reportChannelState(db, ctx.channel, report, holder),
    health: {
      ok: () => void channelHealth(deps).ok(ctx.channel, 'receive'),
      failed: (error) => void channelHealth(deps).failed(ctx.channel, 'receive', error),
    },
    accept: (payloads) => acceptPayloads(connector, ctx, payloads, 'clean'),
    cursor: {
      load: async () => (await db.selectFrom('pull_cursors').select('cursor').where('channel_id', '=', row.id).executeTakeFirst())?.cursor ?? {},
      save: async (value) => {
        await db
          .insertInto('pull_cursors')
          .values({ channel_id: row.id, tenant_id: row.tenant_id, cursor: JSON.stringify(value), holder })
          .onConflict((oc) => oc.column('channel_id').doUpdateSet({ cursor: JSON.stringify(value), holder, updated_at: sql`now()` }))
          .execute();
      },
    },
  };
  await inbound.run(pull);
}
