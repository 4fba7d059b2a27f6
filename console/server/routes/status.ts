import { route, type AnyRoute } from '../api/route.js';
import type { ConsoleServices } from '../services.js';

/** What an admin needs to know about the installation before relying on it. */
export function statusRoutes(services: ConsoleServices): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/settings/status',
      tag: 'admin',
      summary: 'Whether e-mail is set up (without it, invitations and resets are written as files on the server)',
      access: { permission: 'admin.agents' },
      handler: async ({ c }) => {
        const delivery = services.mailer.delivery;
        return c.json({ mail: delivery.kind === 'smtp' ? { configured: true } : { configured: false, folder: delivery.folder } });
      },
    }),
  ];
}
