import { serve, type ServerType } from '@hono/node-server';
import { WebSocketServer } from 'ws';
import type { Config, Role } from '../core/config/config.js';
import { closeContext, openContext, type Context } from '../core/context.js';
import { allMigrations } from './migrations.js';
import type { Logger } from '../core/log/logger.js';
import { createHttpApp } from '../console/server/app.js';
import { mountWebApp } from '../console/server/web-app.js';
import { serveBackups } from '../console/cli/backup.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import { processJobRunner } from './jobs.js';
import type { FeatureModule, Part } from './module.js';
import { MODULES } from './modules.js';
import { assemble } from './pipeline.js';

export type { Part } from './module.js';

/** The modules a process of these roles runs, once each: role by role, each role's in MODULES order. */
export function modulesFor(roles: readonly Role[], modules: readonly FeatureModule[] = MODULES): FeatureModule[] {
  const chosen: FeatureModule[] = [];
  for (const role of roles) for (const module of modules) if (module.roles.includes(role) && !chosen.includes(module)) chosen.push(module);
  return chosen;
}

export interface RunningProcess {
  ctx: Context;
  /** The address the HTTP server listens on. */
  url: string;
  /** The process's one job runner, as the modules registered on it (the kinds it takes, its tasks). */
  jobs: JobRegistry;
  stop(): Promise<void>;
}

/**
 * One process of `roles`: the shared context, each module those roles run started in turn (see
 * app/modules.ts), their routes on one HTTP server, and one job runner with the handlers and tasks
 * those modules registered, polling once they all have started. `modules` is the list to take
 * them from.
 */
export async function startProcess(
  config: Config,
  roles: readonly Role[],
  logger: Logger,
  modules: readonly FeatureModule[] = MODULES,
): Promise<RunningProcess> {
  const ctx = await openContext(config, logger, allMigrations);
  const parts: Part[] = [];
  const jobs = processJobRunner(ctx);
  let server: ServerType | undefined;
  // WebSocket upgrades reach the routes (upgradeWebSocket from @hono/node-server). Clients only
  // send heartbeats and typing signals: a frame past 64 KiB closes the socket instead of being
  // buffered (ws would take 100 MiB).
  const websocket = { server: new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 }) };
  try {
    const assembled = assemble(jobs, modules);
    for (const module of modulesFor(roles, modules)) if (module.start) parts.push(await module.start(ctx, assembled));
    ctx.relay.start();
    jobs.start();
    const app = createHttpApp(ctx, (app) => {
      for (const part of parts) part.mount?.(app);
      // The console's pages come last: they answer only the GETs no part claimed.
      if (roles.includes('console')) mountWebApp(app, { logger });
    });
    const address = await new Promise<{ port: number }>((resolve, reject) => {
      server = serve({ fetch: app.fetch, port: config.port, hostname: config.host, websocket }, (info) => resolve(info));
      server.once('error', reject);
    });
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${address.port}`;
    const backups = await serveBackups(config, ctx.database, logger);
    logger.info({ url, roles, database: ctx.database.kind, bus: ctx.bus.kind }, 'switchboard is running');
    let stopping: Promise<void> | undefined;
    return {
      ctx,
      url,
      jobs,
      stop: () =>
        (stopping ??= (async () => {
          // Stop taking new work, finish what is in hand, then let go of the services. Open
          // WebSockets would keep the server from closing: they are told to reconnect elsewhere.
          for (const client of websocket.server.clients) client.close(1001, 'server stopping');
          await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
          await backups?.stop();
          // No job runs against a module that stopped: the runner finishes its pass first.
          await jobs.stop();
          for (const part of parts.reverse()) await part.stop();
          await closeContext(ctx);
          logger.info('switchboard stopped');
        })()),
    };
  } catch (error) {
    server?.close();
    await jobs.stop();
    for (const part of parts.reverse()) await part.stop().catch(() => {});
    await closeContext(ctx);
    throw error;
  }
}
