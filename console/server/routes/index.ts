import type { AnyRoute } from '../api/route.js';
import type { ConsoleServices } from '../services.js';
import { actionRoutes } from './actions.js';
import { apiTokenRoutes } from './api-tokens.js';
import { attachmentRoutes } from './attachments.js';
import { authRoutes } from './auth.js';
import { cannedResponseRoutes } from './canned-responses.js';
import { macroRoutes } from './macros.js';
import { scheduledMessageRoutes } from './scheduled-messages.js';
import { channelRoutes } from './channels.js';
import { dataRightsRoutes } from './data-rights.js';
import { conversationRoutes } from './conversations.js';
import { docsRoutes } from './docs.js';
import { groupRoutes } from './groups.js';
import { oidcRoutes } from './oidc.js';
import { realtimeRoutes } from './realtime.js';
import { roleRoutes } from './roles.js';
import { routingRoutes } from './routing.js';
import { ssoRoutes } from './sso.js';
import { statusRoutes } from './status.js';
import { twoFactorRoutes } from './two-factor.js';
import { userRoutes } from './users.js';
import { companyAddressRoutes } from './company-address.js';

/**
 * Every route of the console's API, in the order the API description lists them; `fromModules`
 * are the feature modules' own route tables, handed over by the composition root (app/).
 */
export function consoleRoutes(services: ConsoleServices, fromModules: readonly AnyRoute[] = []): AnyRoute[] {
  const routes: AnyRoute[] = [
    ...authRoutes(services),
    ...twoFactorRoutes(),
    ...companyAddressRoutes(),
    ...conversationRoutes(),
    ...actionRoutes(),
    ...attachmentRoutes(),
    ...dataRightsRoutes(),
    ...cannedResponseRoutes(),
    ...macroRoutes(),
    ...scheduledMessageRoutes(),
    ...userRoutes(services),
    ...statusRoutes(services),
    ...roleRoutes(),
    ...groupRoutes(),
    ...routingRoutes(services.connectorDeps),
    ...ssoRoutes(),
    ...oidcRoutes(),
    ...apiTokenRoutes(),
    ...(services.connectorDeps ? channelRoutes(services.connectorDeps) : []),
    ...fromModules,
    ...realtimeRoutes(services.hub),
  ];
  routes.push(...docsRoutes(() => routes));
  return routes;
}

/**
 * The same table for describing the API without serving it (`npm run gen:api` writes the web
 * app's types from it): the services are there so every route is listed, and fail if called.
 */
export function describedConsoleRoutes(fromModules: readonly AnyRoute[] = []): AnyRoute[] {
  const notServing = (): never => {
    throw new Error('these routes only describe the API; nothing serves them');
  };
  const unused = new Proxy({}, { get: notServing }) as never;
  return consoleRoutes({ mailer: unused, hub: unused, connectorDeps: async () => notServing() }, fromModules);
}
