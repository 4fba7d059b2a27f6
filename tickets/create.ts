import { sql } from 'kysely';
import { NotFoundError, ValidationError } from '../core/errors.js';
import { recordEvents } from '../core/outbox/outbox.js';
import type { TicketPriority, TicketSource, TicketType } from './schema.js';
import { runTriggers } from './automations.js';
import { checkTicketFields } from './fields.js';
import { recordHistory } from './history.js';
import { ticketSummary, type Actor, type Ticket, type Trx } from './model.js';
import { startSla } from './sla.js';

export interface NewTicket {
  subject: string;
  description?: string;
  priority?: TicketPriority;
  type?: TicketType | null;
  /** The customer; taken from the conversation or call when those are given. */
  requesterId?: string;
  conversationId?: string;
  callId?: string;
  assigneeId?: string | null;
  groupId?: string | null;
  tags?: string[];
  dueAt?: string | null;
  fields?: Record<string, unknown>;
  followers?: string[];
  /** How it came: `api` for API tokens, `manual` by hand; a conversation or call decides it otherwise. */
  via: 'api' | 'manual';
}

/** Takes the company's next ticket number: the counter row stays locked until the transaction ends, so numbers never repeat or skip. */
async function nextNumber(trx: Trx, tenantId: string): Promise<string> {
  const row = await trx
    .insertInto('ticket_settings')
    .values({ tenant_id: tenantId, last_number: 1 })
    .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ last_number: sql`ticket_settings.last_number + 1` }))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  return String(row.last_number);
}

/**
 * Opens a ticket in the caller's transaction: from a conversation (its customer, group and
 * channel), from a call (its conversation, call id and recording), or for a given requester.
 * Writes the history's first line, starts the SLA clocks, records `ticket.created` and runs the
 * triggers.
 */
export async function createTicket(trx: Trx, tenantId: string, input: NewTicket, ctx: { actor: Actor; now: Date }): Promise<Ticket> {
  let requesterId = input.requesterId;
  let conversationId = input.conversationId ?? null;
  let source: TicketSource = input.via;
  let recordingRef: string | null = null;
  let groupId = input.groupId;
  if (input.callId) {
    const call = await trx
      .selectFrom('calls')
      .select(['id', 'channel_id', 'provider_call_id', 'recording_ref', 'group_id'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', input.callId)
      .executeTakeFirst();
    if (!call) throw new ValidationError('unknown call', [{ field: 'callId', message: 'no such call' }]);
    recordingRef = call.recording_ref;
    source = 'call';
    groupId ??= call.group_id;
    const conversation = await trx
      .selectFrom('conversations')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('channel_id', '=', call.channel_id)
      .where('thread_key', '=', call.provider_call_id)
      .orderBy('created_at', 'desc')
      .executeTakeFirst();
    conversationId ??= conversation?.id ?? null;
  }
  if (conversationId) {
    const conversation = await trx
      .selectFrom('conversations')
      .select(['id', 'contact_id', 'kind', 'group_id'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (!conversation) throw new NotFoundError('conversation');
    requesterId ??= conversation.contact_id;
    if (conversation.contact_id !== requesterId)
      throw new ValidationError('the requester is not the conversation’s customer', [{ field: 'requesterId', message: 'must be the conversation’s customer' }]);
    groupId ??= conversation.group_id;
    if (source !== 'call') source = conversation.kind === 'email' ? 'email' : conversation.kind === 'voice' ? 'call' : 'conversation';
  }
  if (!requesterId) throw new ValidationError('a ticket needs a requester', [{ field: 'requesterId', message: 'required without a conversation or call' }]);
  const contact = await trx.selectFrom('contacts').select('id').where('tenant_id', '=', tenantId).where('id', '=', requesterId).executeTakeFirst();
  if (!contact) throw new ValidationError('unknown requester', [{ field: 'requesterId', message: 'no such contact' }]);
  const issues: { field: string; message: string }[] = [];
  if (input.assigneeId && !(await trx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', '=', input.assigneeId).executeTakeFirst()))
    issues.push({ field: 'assigneeId', message: 'no such agent' });
  if (groupId && !(await trx.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', '=', groupId).executeTakeFirst()))
    issues.push({ field: 'groupId', message: 'no such group' });
  const followers = [...new Set(input.followers ?? [])];
  if (
    followers.length &&
    (await trx.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', 'in', followers).execute()).length !== followers.length
  )
    issues.push({ field: 'followers', message: 'no such agent' });
  if (issues.length) throw new ValidationError('invalid ticket', issues);
  const fields = await checkTicketFields(trx, tenantId, {}, input.fields, 'new');

  const number = await nextNumber(trx, tenantId);
  let ticket = await trx
    .insertInto('tickets')
    .values({
      tenant_id: tenantId,
      number,
      subject: input.subject,
      description: input.description ?? '',
      priority: input.priority ?? 'normal',
      type: input.type ?? null,
      requester_id: requesterId,
      assignee_id: input.assigneeId ?? null,
      group_id: groupId ?? null,
      tags: [...new Set(input.tags ?? [])].sort(),
      due_at: input.dueAt ?? null,
      fields: JSON.stringify(fields),
      source,
      conversation_id: conversationId,
      call_id: input.callId ?? null,
      recording_ref: recordingRef,
      created_by: ctx.actor.type === 'user' ? ctx.actor.id : null,
      created_at: ctx.now,
      updated_at: ctx.now,
      status_changed_at: ctx.now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (followers.length)
    await trx
      .insertInto('ticket_followers')
      .values(followers.map((u) => ({ tenant_id: tenantId, ticket_id: ticket.id, user_id: u })))
      .execute();
  await recordHistory(trx, tenantId, ticket.id, ctx.actor, ctx.now, [
    { field: 'created', from: null, to: { number: Number(number), source, subject: input.subject } },
  ]);
  ticket = await startSla(trx, ticket, ctx.now);
  await recordEvents(trx, [{ tenantId, kind: 'ticket.created', payload: { ticket: ticketSummary(ticket) } }]);
  return runTriggers(trx, ticket, 'ticket.created', { now: ctx.now });
}
