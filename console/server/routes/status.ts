import { z } from 'zod';
import { route, type AnyRoute } from '../api/route.js';
import { answer } from '../api/answers.js';
import type { ConsoleServices } from '../services.js';

const settingsStatus = z.object({
  mail: z.union([
    z.object({ configured: z.literal(true) }),
    z.object({ configured: z.literal(false), folder: z.string().describe('where mails are written instead') }),
  ]),
});

/** What an admin needs to know about the installation before relying on it. */
export function statusRoutes(services: ConsoleServices): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/settings/status',
      tag: 'admin',
      summary: 'Whether e-mail is set up (without it, invitations and resets are written as files on the server)',
      access: { permission: 'admin.agents' },
      responds: settingsStatus,
      handler: async ({ c }) => {
        const delivery = services.mailer.delivery;
        return answer(c, settingsStatus, { mail: delivery.kind === 'smtp' ? { configured: true } : { configured: false, folder: delivery.folder } });
      },
    }),
  ];
}
