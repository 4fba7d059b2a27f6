import { assistantInbound, assistantMigrations, assistantRoutes } from '../assistant/part.js';
import { callCenterRoutes } from '../callcenter/part.js';
import { crmRoutes } from '../crm/part.js';
import { knowledgeMigrations, knowledgeRoutes } from '../knowledge/part.js';
import { reportRoutes } from '../reports/part.js';
import { routerInbound } from '../router/part.js';
import { surveyRoutes, surveysInbound } from '../surveys/part.js';
import { ticketMigrations, ticketRoutes } from '../tickets/part.js';
import { webhookRoutes } from '../webhooks/part.js';
import type { FeatureModule } from './module.js';

/**
 * Every feature module, in the order a process starts them (and stops them in reverse). A module
 * registers itself with one entry here, through its own `part.ts`: the roles that run it, its
 * inbound steps, its start (which registers its job handlers on the process's one runner,
 * `assembled.jobs`). Nothing else in the tree names it. Starts are imported when a role
 * runs them, and the route tables are built only by the console role (app/pipeline.ts); the
 * route modules themselves are imported here, as the API description needs them without a server.
 */
export const MODULES: readonly FeatureModule[] = [
  { name: 'gateway', roles: ['gateway'], start: async (ctx) => (await import('./gateway.js')).startGateway(ctx) },
  {
    name: 'router',
    roles: ['router'],
    inbound: routerInbound,
    start: async (ctx, { inboundPipeline, jobs }) => (await import('../router/part.js')).startRouter(ctx, { pipeline: inboundPipeline, jobs }),
  },
  {
    name: 'reports',
    roles: ['router'],
    apiRoutes: reportRoutes,
    start: async (ctx, { jobs }) => (await import('../reports/part.js')).startReports(ctx, jobs),
  },
  {
    name: 'surveys',
    roles: ['router'],
    inbound: surveysInbound,
    apiRoutes: surveyRoutes,
    start: async (ctx) => (await import('../surveys/part.js')).startSurveys(ctx),
  },
  // The surveys' pages, outside /api: the console role serves the company's public address.
  { name: 'survey-pages', roles: ['console'], start: async (ctx) => (await import('../surveys/part.js')).startSurveyPages(ctx) },
  { name: 'customer-media', roles: ['router'], start: async (ctx) => (await import('../router/media/part.js')).startCustomerMedia(ctx) },
  {
    name: 'webhooks',
    roles: ['router'],
    apiRoutes: webhookRoutes,
    start: async (ctx) => (await import('../webhooks/part.js')).startWebhooks(ctx),
  },
  { name: 'crm', roles: ['console'], apiRoutes: crmRoutes, start: async (ctx, { jobs }) => (await import('../crm/part.js')).startCrm(ctx, jobs) },
  {
    name: 'tickets',
    roles: ['console'],
    migrations: ticketMigrations,
    apiRoutes: () => ticketRoutes({ connectorDeps: async (ctx) => (await import('./gateway.js')).connectorDeps(ctx) }),
    start: async (ctx, { jobs }) => (await import('../tickets/part.js')).startTickets(ctx, jobs),
  },
  {
    name: 'callcenter',
    roles: ['console'],
    apiRoutes: () => callCenterRoutes(async (ctx) => (await import('./gateway.js')).connectorDeps(ctx)),
    start: async (ctx, { jobs }) => (await import('../callcenter/part.js')).startCallCenter(ctx, jobs),
  },
  {
    name: 'knowledge',
    roles: ['console'],
    migrations: knowledgeMigrations,
    apiRoutes: knowledgeRoutes,
    start: async (ctx) => (await import('../knowledge/part.js')).startKnowledge(ctx),
  },
  {
    name: 'assistant',
    roles: ['router'],
    migrations: assistantMigrations,
    inbound: assistantInbound,
    apiRoutes: assistantRoutes,
    start: async (ctx, { jobs }) => (await import('../assistant/part.js')).startAssistant(ctx, jobs),
  },
  {
    name: 'console',
    roles: ['console'],
    start: async (ctx, { apiRoutes, jobs }) => {
      const [{ startConsole }, { connectorDeps }] = await Promise.all([import('../console/server/console-part.js'), import('./gateway.js')]);
      return startConsole(ctx, { connectorDeps: () => connectorDeps(ctx), routes: apiRoutes, jobs });
    },
  },
];
