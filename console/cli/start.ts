import { serve, type ServerType } from '@hono/node-server';
import type { Hono } from 'hono';
import { WebSocketServer } from 'ws';
import type { Config, Role } from '../../core/config/config.js';
import { closeContext, openContext, type Context } from '../../core/context.js';
import type { Logger } from '../../core/log/logger.js';
import { createHttpApp } from '../server/app.js';
import { mountWebApp } from '../server/web-app.js';
import { startRouter } from '../../router/part.js';
import { startConsole } from '../server/console-part.js';
import { connectorDeps, startGateway } from './gateway.js';
import { startReports } from '../../reports/part.js';
import { startCustomerMedia } from '../../router/media/part.js';
import { serveBackups } from './backup.js';

/** A part of the product that a role runs in a process. */
export interface Part {
  name: string;
  /** Routes this part serves, if any. */
  mount?(app: Hono): void;
  stop(): Promise<void>;
}

/**
 * The composition: which parts each role runs. Connectors' webhooks (gateway), the router's
 * consumers (router) and the agents' API (console) add themselves here as they land.
 */
const partsByRole: Record<Role, ((ctx: Context) => Promise<Part>)[]> = {
  gateway: [startGateway],
  router: [(ctx) => startRouter(ctx), startReports, startCustomerMedia],
  console: [(ctx) => startConsole(ctx, { connectorDeps: () => connectorDeps(ctx) })],
};

export interface RunningProcess {
  ctx: Context;
  /** The address the HTTP server listens on. */
  url: string;
  stop(): Promise<void>;
}

export async function startProcess(config: Config, roles: readonly Role[], logger: Logger): Promise<RunningProcess> {
  const ctx = await openContext(config, logger);
  const parts: Part[] = [];
  let server: ServerType | undefined;
  // WebSocket upgrades reach the routes (upgradeWebSocket from @hono/node-server). Clients only
  // send heartbeats and typing signals: a frame past 64 KiB closes the socket instead of being
  // buffered (ws would take 100 MiB).
  const websocket = { server: new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 }) };
  try {
    for (const role of roles) for (const start of partsByRole[role]) parts.push(await start(ctx));
    ctx.relay.start();
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
      stop: () =>
        (stopping ??= (async () => {
          // Stop taking new work, finish what is in hand, then let go of the services. Open
          // WebSockets would keep the server from closing: they are told to reconnect elsewhere.
          for (const client of websocket.server.clients) client.close(1001, 'server stopping');
          await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
          await backups?.stop();
          for (const part of parts.reverse()) await part.stop();
          await closeContext(ctx);
          logger.info('switchboard stopped');
        })()),
    };
  } catch (error) {
    server?.close();
    for (const part of parts.reverse()) await part.stop().catch(() => {});
    await closeContext(ctx);
    throw error;
  }
}
