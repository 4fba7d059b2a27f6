import { withTransaction, type Db } from '../core/db/database.js';
import { applyChanges, lockTicket } from './changes.js';
import type { TicketPriority } from './schema.js';

export { TICKET_PRIORITIES } from './schema.js';
export type { AiAsk } from './rules.js';

/** What the model reads of a ticket to classify it. */
export interface TicketForModel {
  subject: string;
  description: string;
  priority: TicketPriority;
  tags: string[];
  closed: boolean;
  /** The latest comments, oldest first, with who wrote them. */
  comments: { author: 'agent' | 'contact' | 'system'; public: boolean; body: string }[];
}

/** A ticket's subject, description and latest comments, for the assistant's classification; undefined when there is no such ticket. */
export async function ticketForModel(db: Db, tenantId: string, ticketId: string, latest = 5): Promise<TicketForModel | undefined> {
  const ticket = await db
    .selectFrom('tickets')
    .select(['subject', 'description', 'priority', 'tags', 'status'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', ticketId)
    .executeTakeFirst();
  if (!ticket) return undefined;
  const comments = await db
    .selectFrom('ticket_comments')
    .select(['author_type', 'public', 'body'])
    .where('tenant_id', '=', tenantId)
    .where('ticket_id', '=', ticketId)
    .orderBy('id', 'desc')
    .limit(latest)
    .execute();
  return {
    subject: ticket.subject,
    description: ticket.description ?? '',
    priority: ticket.priority,
    tags: ticket.tags,
    closed: ticket.status === 'closed',
    comments: comments.reverse().map((c) => ({ author: c.author_type, public: c.public, body: c.body })),
  };
}

/**
 * Applies what the model found as the automation rule's own change: it shows in the ticket's
 * history as made by that rule, and other triggers react to it as to any change. A closed ticket
 * takes nothing; answers whether anything changed.
 */
export async function applyAutomationClassification(
  db: Db,
  tenantId: string,
  ticketId: string,
  ruleId: string,
  change: { priority?: TicketPriority; addTags?: string[] },
): Promise<boolean> {
  return withTransaction(db, async (trx) => {
    const ticket = await lockTicket(trx, tenantId, ticketId);
    if (ticket.status === 'closed') return false;
    const { changes } = await applyChanges(trx, ticket, change, {
      actor: { type: 'automation', id: ruleId },
      now: new Date(),
      // The rule has fired for this ticket already: it does not fire again on its own change.
      chain: { depth: 0, fired: new Set([ruleId]) },
    });
    return changes.length > 0;
  });
}
