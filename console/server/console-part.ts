import type { Hono } from 'hono';
import type { ConnectorDeps } from '../../core/connector/channel-context.js';
import type { Context } from '../../core/context.js';
import { apiApp } from './api/mount.js';
import type { AnyRoute } from './api/route.js';
import { createMailer } from './mail/mailer.js';
import { TranscriptMailer } from './mail/transcripts.js';
import { RealtimeHub } from './realtime/hub.js';
import { consoleRoutes } from './routes/index.js';
import type { JobRegistry } from '../../core/jobs/runner.js';
import { scheduledReplySender } from '../../core/conversations/scheduled-replies.js';
import { RetentionSweeper } from './data-rights/retention.js';
import type { ConsoleServices } from './services.js';

export interface ConsolePart {
  name: 'console';
  routes: AnyRoute[];
  services: ConsoleServices;
  mount(app: Hono): void;
  stop(): Promise<void>;
}

/**
 * The agents' and admins' API. Served at `/api/...` (company chosen by subdomain or the
 * X-Switchboard-Tenant header) and at `/t/<company>/api/...` for local development; its
 * real-time feed is the WebSocket at `/api/realtime`. `routes` are the feature modules' route
 * tables, served with the same access checks and listed in the same OpenAPI document; `jobs` is
 * the process's job runner, on which the scheduled messages are sent.
 */
export async function startConsole(
  ctx: Context,
  options: { jobs: JobRegistry; connectorDeps?: () => Promise<ConnectorDeps>; routes?: readonly AnyRoute[] },
): Promise<ConsolePart> {
  const hub = new RealtimeHub(ctx);
  await hub.start();
  const services: ConsoleServices = { mailer: createMailer(ctx.config.smtp, ctx.logger), hub, connectorDeps: options.connectorDeps };
  const routes = consoleRoutes(services, options.routes);
  // The console's jobs on the process's runner: scheduled messages.
  options.jobs.register(scheduledReplySender);
  const transcripts = new TranscriptMailer(ctx, services.mailer);
  await transcripts.start();
  const retention = new RetentionSweeper({
    db: ctx.database.db,
    dataDir: ctx.config.dataDir,
    warn: (error) => ctx.logger.warn({ err: String(error) }, 'retention run failed'),
  });
  retention.start();
  const api = apiApp(ctx, routes);
  return {
    name: 'console',
    routes,
    services,
    mount(app) {
      app.route('/api', api);
      app.route('/t/:tenant/api', api);
    },
    async stop() {
      await transcripts.stop();
      await retention.stop();
      await hub.stop();
      services.mailer.close();
    },
  };
}
