import type { AnyRoute } from '../api/route.js';
import type { ConsoleServices } from '../services.js';
import { authRoutes } from './auth.js';
import { roleRoutes } from './roles.js';
import { userRoutes } from './users.js';

/** Every route of the console's API, in the order the API description lists them. */
export function consoleRoutes(services: ConsoleServices): AnyRoute[] {
  return [...authRoutes(services), ...userRoutes(services), ...roleRoutes()];
}
