import type { ConnectorDeps } from '../core/connector/channel-context.js';
import type { Context } from '../core/context.js';
import type { AnyRoute } from '../console/server/api/route.js';
import type { Migrations } from '../core/db/migrate.js';
import type { JobRegistry } from '../core/jobs/runner.js';
import { migration as tickets } from './migrations/0011_tickets.js';
import { ticketRuleRoutes } from './routes/ticket-rules.js';
import { ticketSettingRoutes } from './routes/ticket-settings.js';
import { ticketRoutes as ticketItemRoutes } from './routes/tickets.js';
import { registerTicketTimers } from './timers.js';
import { TicketWorker } from './worker.js';

/** The tables of tickets, SLA policies and automations; the names are the ones databases have recorded. */
export const ticketMigrations: Migrations = { '0011_tickets': tickets };

export { createTicket } from './create.js';
/** A ticket's conversation, and a system's internal note on it (the assistant's escalation summary). */
export { addSystemNote, ticketConversation } from './notes.js';
/**
 * What the customer record, its data rights and the call center's screen pop read and move of a
 * contact's tickets (they reach no ticket table themselves).
 */
export {
  countTicketsOfContacts,
  moveRequesterTickets,
  searchVisibleTickets,
  ticketRecordsOfContacts,
  visibleRecentTicketsOfContact,
  visibleTicketsOfContact,
  type FoundTicket,
  type TimelineTicket,
} from './contacts.js';
export { registerTicketTimers } from './timers.js';
/** What the reports read of tickets: the hourly rollup's facts, a rebuild's span, the hours a changed ticket touches. */
export { ticketExtent, ticketFacts, ticketTimes } from './report-facts.js';
/** The assistant's side of an `ai_classify` automation: what it reads of a ticket, and how the model's answer is applied. */
export { applyAutomationClassification, ticketForModel, TICKET_PRIORITIES, type AiAsk, type TicketForModel } from './ai.js';

/**
 * The tickets' console API: tickets, their fields and views, SLA policies and automations.
 * `connectorDeps` gives the installed channel types an SLA policy may match on.
 */
export function ticketRoutes(options: { connectorDeps?: (ctx: Context) => Promise<ConnectorDeps> } = {}): AnyRoute[] {
  return [...ticketItemRoutes(), ...ticketSettingRoutes(), ...ticketRuleRoutes(options.connectorDeps)];
}

/**
 * The tickets' background work, run with the console role: customers' replies onto their tickets
 * (a consumer of message events), and on the process's job runner (`jobs`) the SLA warnings and
 * breaches and the time rules (solved for 7 days → closed, …).
 */
export async function startTickets(ctx: Context, jobs: JobRegistry): Promise<{ name: string; stop(): Promise<void> }> {
  registerTicketTimers(jobs, ctx.database.db);
  const worker = new TicketWorker(ctx);
  await worker.start();
  return {
    name: 'tickets',
    async stop() {
      await worker.stop();
    },
  };
}
