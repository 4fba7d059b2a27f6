import { createHash } from 'node:crypto';
import { queueReply } from '../core/conversations/reply.js';
import { ConflictError, ValidationError } from '../core/errors.js';
import { recordEvents } from '../core/outbox/outbox.js';
import { applyChanges, touch } from './changes.js';
import type { Actor, Ticket, Trx } from './model.js';
import { slaAgentReplied } from './sla.js';

/**
 * The conversation a public reply goes out on: the ticket's own, or, for a ticket that has none
 * (made by hand or through the API), a new e-mail conversation with the requester on the
 * company's e-mail channel. Its thread key is the token the e-mail channel puts in the subject,
 * so the customer's answer threads back into it, and so onto the ticket.
 */
async function replyConversation(trx: Trx, ticket: Ticket): Promise<string> {
  if (ticket.conversation_id) return ticket.conversation_id;
  const contact = await trx
    .selectFrom('contacts')
    .select(['email', 'name'])
    .where('tenant_id', '=', ticket.tenant_id)
    .where('id', '=', ticket.requester_id)
    .executeTakeFirstOrThrow();
  if (!contact.email)
    throw new ValidationError('the requester has no e-mail address to reply to', [{ field: 'public', message: 'no way to reach the requester' }]);
  const channel = await trx
    .selectFrom('channels')
    .select('id')
    .where('tenant_id', '=', ticket.tenant_id)
    .where('type', '=', 'email')
    .where('enabled', '=', true)
    .orderBy('created_at')
    .executeTakeFirst();
  if (!channel) throw new ValidationError('the company has no e-mail channel to reply through', [{ field: 'public', message: 'no e-mail channel' }]);
  const address = contact.email.toLowerCase();
  await trx
    .insertInto('contact_identities')
    .values({ tenant_id: ticket.tenant_id, contact_id: ticket.requester_id, channel_id: channel.id, external_id: address, display_name: contact.name })
    .onConflict((oc) => oc.columns(['channel_id', 'external_id']).doNothing())
    .execute();
  const owner = await trx
    .selectFrom('contact_identities')
    .select('contact_id')
    .where('channel_id', '=', channel.id)
    .where('external_id', '=', address)
    .executeTakeFirstOrThrow();
  if (owner.contact_id !== ticket.requester_id)
    throw new ValidationError('that e-mail address belongs to another contact', [{ field: 'public', message: 'address taken by another contact' }]);
  const threadKey = createHash('sha256').update(`ticket:${ticket.id}`).digest('hex').slice(0, 10);
  const conversation = await trx
    .insertInto('conversations')
    .values({
      tenant_id: ticket.tenant_id,
      channel_id: channel.id,
      contact_id: ticket.requester_id,
      kind: 'email',
      thread_key: threadKey,
      status: 'open',
      group_id: ticket.group_id,
      assignee_id: null,
      subject: ticket.subject,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.updateTable('tickets').set({ conversation_id: conversation.id }).where('id', '=', ticket.id).execute();
  return conversation.id;
}

/** Whether a public reply can reach the requester (automations skip a reply that cannot, rather than fail the change). */
export async function canReply(trx: Trx, ticket: Ticket): Promise<boolean> {
  if (ticket.conversation_id) return true;
  const contact = await trx
    .selectFrom('contacts')
    .select('email')
    .where('tenant_id', '=', ticket.tenant_id)
    .where('id', '=', ticket.requester_id)
    .executeTakeFirst();
  if (!contact?.email) return false;
  return (
    (await trx
      .selectFrom('channels')
      .select('id')
      .where('tenant_id', '=', ticket.tenant_id)
      .where('type', '=', 'email')
      .where('enabled', '=', true)
      .executeTakeFirst()) !== undefined
  );
}

export interface CommentInput {
  body: string;
  public: boolean;
}

/**
 * Adds a public reply or an internal note to a ticket, in the caller's transaction. A reply is
 * also a message on the ticket's conversation, which the channel's connector delivers (through
 * the outbox: sent once it commits, never twice); a note stays on the ticket. An agent's reply
 * meets the response targets and opens a new ticket.
 */
export async function addComment(trx: Trx, ticket: Ticket, input: CommentInput, ctx: { actor: Actor; now: Date }) {
  if (ticket.status === 'closed') throw new ConflictError('a closed ticket takes no more replies');
  let messageId: string | null = null;
  if (input.public) {
    const conversationId = await replyConversation(trx, ticket);
    const sender = ctx.actor.type === 'user' ? { type: 'agent' as const, id: ctx.actor.id } : { type: 'system' as const, id: null };
    const { message } = await queueReply(trx, { tenantId: ticket.tenant_id, conversationId, sender, parts: [{ type: 'text', text: input.body }] });
    messageId = message.id;
  }
  const comment = await trx
    .insertInto('ticket_comments')
    .values({
      tenant_id: ticket.tenant_id,
      ticket_id: ticket.id,
      author_type: ctx.actor.type === 'user' ? 'agent' : 'system',
      author_id: ctx.actor.type === 'user' ? ctx.actor.id : null,
      public: input.public,
      body: input.body,
      message_id: messageId,
      created_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  await touch(trx, ticket.id, ctx.now);
  let current = await trx.selectFrom('tickets').selectAll().where('id', '=', ticket.id).executeTakeFirstOrThrow();
  if (input.public && ctx.actor.type === 'user') {
    current = await slaAgentReplied(trx, current, ctx.now);
    if (current.status === 'new') current = (await applyChanges(trx, current, { status: 'open' }, ctx)).ticket;
  }
  await recordEvents(trx, [
    {
      tenantId: ticket.tenant_id,
      kind: 'ticket.commented',
      payload: { ticketId: ticket.id, groupId: current.group_id, assigneeId: current.assignee_id, commentId: comment.id, public: input.public },
    },
  ]);
  return { ticket: current, comment };
}
