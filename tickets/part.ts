import type { ConnectorDeps } from '../core/connector/channel-context.js';
import type { Context } from '../core/context.js';
import type { AnyRoute } from '../console/server/api/route.js';
import type { Migrations } from '../core/db/migrate.js';
import { migration as tickets } from './migrations/0011_tickets.js';
import { ticketRuleRoutes } from './routes/ticket-rules.js';
import { ticketSettingRoutes } from './routes/ticket-settings.js';
import { ticketRoutes as ticketItemRoutes } from './routes/tickets.js';

/** The tables of tickets, SLA policies and automations; the names are the ones databases have recorded. */
export const ticketMigrations: Migrations = { '0011_tickets': tickets };

export { createTicket } from './create.js';
export { listTicketsForContact, ticketVisibleTo } from './read.js';
export { registerTicketTimers, ticketJobRunner } from './timers.js';
export { TicketWorker } from './worker.js';

/**
 * The tickets' console API: tickets, their fields and views, SLA policies and automations.
 * `connectorDeps` gives the installed channel types an SLA policy may match on.
 */
export function ticketRoutes(options: { connectorDeps?: (ctx: Context) => Promise<ConnectorDeps> } = {}): AnyRoute[] {
  return [...ticketItemRoutes(), ...ticketSettingRoutes(), ...ticketRuleRoutes(options.connectorDeps)];
}
