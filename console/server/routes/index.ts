import type { AnyRoute } from '../api/route.js';
import type { ConsoleServices } from '../services.js';
import { apiTokenRoutes } from './api-tokens.js';
import { authRoutes } from './auth.js';
import { cannedResponseRoutes } from './canned-responses.js';
import { contactRoutes } from './contacts.js';
import { conversationRoutes } from './conversations.js';
import { customFieldRoutes } from './custom-fields.js';
import { groupRoutes } from './groups.js';
import { roleRoutes } from './roles.js';
import { ssoRoutes } from './sso.js';
import { userRoutes } from './users.js';

/** Every route of the console's API, in the order the API description lists them. */
export function consoleRoutes(services: ConsoleServices): AnyRoute[] {
  return [
    ...authRoutes(services),
    ...conversationRoutes(),
    ...contactRoutes(),
    ...customFieldRoutes(),
    ...cannedResponseRoutes(),
    ...userRoutes(services),
    ...roleRoutes(),
    ...groupRoutes(),
    ...ssoRoutes(),
    ...apiTokenRoutes(),
  ];
}
