import { sql } from 'kysely';
import type { Db } from '../core/db/database.js';
import type { MessageView } from '../core/domain/events.js';
import { recordEvents } from '../core/outbox/outbox.js';
import { runTriggers } from './automations.js';
import { applyChanges } from './changes.js';
import type { Ticket } from './model.js';
import { slaCustomerReplied } from './sla.js';

/** The text an agent reads of a customer's message: its text parts (an e-mail's visible text first). */
export function messageText(parts: MessageView['parts']): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'event' && typeof part.data?.visibleText === 'string') return part.data.visibleText as string;
    else if ('name' in part && typeof part.name === 'string' && part.type !== 'event') texts.push(`[${part.type}: ${part.name}]`);
  }
  return texts.join('\n').trim();
}

/**
 * Of a batch of messages' conversations, those a ticket may follow (the conversation itself, or an
 * e-mail thread of the same contact): one query for the batch, each key checked in its tenant.
 * `customerReplied` looks again, precisely, for each one found.
 */
export async function conversationsWithTickets(db: Db, keys: readonly { tenantId: string; conversationId: string }[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    select m.id
    from unnest(${keys.map((k) => k.tenantId)}::uuid[], ${keys.map((k) => k.conversationId)}::uuid[]) as k(tenant_id, conversation_id)
    -- One probe per key (a join let PostgreSQL read every conversation to hash them).
    cross join lateral (
      select * from conversations x where x.id = k.conversation_id and x.tenant_id = k.tenant_id limit 1
    ) m
    where exists (
      select 1 from conversations c
      join tickets t on t.conversation_id = c.id and t.tenant_id = c.tenant_id
      where c.contact_id = m.contact_id and c.channel_id = m.channel_id and c.thread_key = m.thread_key
        and c.tenant_id = m.tenant_id and (c.id = m.id or c.kind = 'email')
    )`.execute(db);
  return new Set(rows.map((r) => r.id));
}

/**
 * A customer's message on a conversation a ticket follows: the conversation itself, or a later
 * one on the same channel and thread (a reply that came after the first was resolved). It lands
 * on the open ticket (a merged ticket's reply on the ticket it went into) as a public comment,
 * once per message; a pending or solved ticket opens again; the next-response clock starts and
 * the `customer.replied` triggers run. Returns the tickets it landed on.
 */
export async function customerReplied(db: Db, tenantId: string, message: MessageView, now: Date): Promise<string[]> {
  if (message.direction !== 'in' || message.private) return [];
  // One statement: the message's conversation, and the tickets that follow it or its thread.
  const linked = await db
    .selectFrom('conversations as m')
    .innerJoin('conversations as c', (join) =>
      join.onRef('c.channel_id', '=', 'm.channel_id').onRef('c.contact_id', '=', 'm.contact_id').onRef('c.thread_key', '=', 'm.thread_key'),
    )
    .innerJoin('tickets', 'tickets.conversation_id', 'c.id')
    .select(['tickets.id', 'tickets.merged_into_id', 'm.contact_id'])
    .where('m.tenant_id', '=', tenantId)
    .where('m.id', '=', message.conversationId)
    .where('c.tenant_id', '=', tenantId)
    .where('tickets.tenant_id', '=', tenantId)
    .where((eb) => eb.or([eb('c.id', '=', eb.ref('m.id')), eb('c.kind', '=', 'email')]))
    .execute();
  if (linked.length === 0) return [];
  const contactId = linked[0]!.contact_id;
  const targets = [...new Set(linked.map((t) => t.merged_into_id ?? t.id))];
  const landed: string[] = [];
  for (const ticketId of targets) {
    const done = await db.transaction().execute(async (trx) => {
      let ticket: Ticket | undefined = await trx
        .selectFrom('tickets')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', ticketId)
        .forUpdate()
        .executeTakeFirst();
      if (!ticket) return false;
      // A message older than the ticket is the history the ticket was raised from, not a reply to it
      // (its event can reach this worker after the agent has already made the ticket).
      if (new Date(message.createdAt) < new Date(ticket.created_at)) return false;
      const comment = await trx
        .insertInto('ticket_comments')
        .values({
          tenant_id: tenantId,
          ticket_id: ticket.id,
          author_type: 'contact',
          author_id: contactId,
          public: true,
          body: messageText(message.parts),
          message_id: message.id,
          created_at: now,
        })
        .onConflict((oc) => oc.columns(['ticket_id', 'message_id']).where('message_id', 'is not', null).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!comment) return false;
      if (ticket.status === 'closed') return true;
      const actor = { type: 'system' as const, id: null };
      if (ticket.status === 'pending' || ticket.status === 'solved' || ticket.status === 'on_hold')
        ticket = (await applyChanges(trx, ticket, { status: 'open' }, { actor, now })).ticket;
      else await trx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticket.id).execute();
      ticket = await slaCustomerReplied(trx, ticket, now);
      await recordEvents(trx, [
        {
          tenantId,
          kind: 'ticket.commented',
          payload: { ticketId: ticket.id, groupId: ticket.group_id, assigneeId: ticket.assignee_id, commentId: comment.id, public: true },
        },
      ]);
      await runTriggers(trx, ticket, 'customer.replied', { now });
      return true;
    });
    if (done) landed.push(ticketId);
  }
  return landed;
}
