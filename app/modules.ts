import { knowledgeMigrations, knowledgeRoutes } from '../knowledge/part.js';
import { reportsInbound } from '../reports/part.js';
import { routerInbound } from '../router/part.js';
import { webhookRoutes } from '../webhooks/part.js';
import type { FeatureModule } from './module.js';

/**
 * Every feature module, in the order a process starts them (and stops them in reverse). A module
 * registers itself with one entry here, through its own `part.ts`: the roles that run it, its
 * inbound steps, its start. Nothing else in the tree names it. Starts are imported when a role
 * runs them: a gateway process loads no console code, a test of the pipeline no server.
 */
export const MODULES: readonly FeatureModule[] = [
  { name: 'gateway', roles: ['gateway'], start: async (ctx) => (await import('./gateway.js')).startGateway(ctx) },
  {
    name: 'router',
    roles: ['router'],
    inbound: routerInbound,
    start: async (ctx, { inboundPipeline }) => (await import('../router/part.js')).startRouter(ctx, { pipeline: inboundPipeline }),
  },
  { name: 'reports', roles: ['router'], inbound: reportsInbound, start: async (ctx) => (await import('../reports/part.js')).startReports(ctx) },
  { name: 'customer-media', roles: ['router'], start: async (ctx) => (await import('../router/media/part.js')).startCustomerMedia(ctx) },
  {
    name: 'webhooks',
    roles: ['router'],
    apiRoutes: webhookRoutes,
    start: async (ctx) => (await import('../webhooks/part.js')).startWebhooks(ctx),
  },
  {
    name: 'knowledge',
    roles: ['console'],
    migrations: knowledgeMigrations,
    apiRoutes: knowledgeRoutes,
    start: async (ctx) => (await import('../knowledge/part.js')).startKnowledge(ctx),
  },
  {
    name: 'console',
    roles: ['console'],
    start: async (ctx, { apiRoutes }) => {
      const [{ startConsole }, { connectorDeps }] = await Promise.all([import('../console/server/console-part.js'), import('./gateway.js')]);
      return startConsole(ctx, { connectorDeps: () => connectorDeps(ctx), routes: apiRoutes });
    },
  },
];
