import { sql } from 'kysely';
import { recordEvents } from '../core/outbox/outbox.js';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors.js';
import type { TicketPriority, TicketStatus, TicketType } from './schema.js';
import { runTriggers, type Chain } from './automations.js';
import { checkTicketFields } from './fields.js';
import { diff, recordHistory, type FieldChange } from './history.js';
import { ticketSummary, type Actor, type Ticket, type Trx } from './model.js';
import { slaAfterChange } from './sla.js';

/** A change to a ticket, from a person, the API, a bulk edit or an automation. */
export interface TicketPatch {
  subject?: string;
  description?: string;
  status?: TicketStatus;
  priority?: TicketPriority;
  type?: TicketType | null;
  assigneeId?: string | null;
  groupId?: string | null;
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
  dueAt?: string | null;
  fields?: Record<string, unknown>;
  followers?: string[];
}

export interface ChangeContext {
  actor: Actor;
  now: Date;
  /** The automation chain this change belongs to: which rules already fired, how deep. */
  chain?: Chain;
}

const TRACKED = ['subject', 'description', 'status', 'priority', 'type', 'assignee_id', 'group_id', 'tags', 'due_at', 'fields'] as const;

/** Locks a ticket of this company for the transaction, or 404. */
export async function lockTicket(trx: Trx, tenantId: string, ticketId: string): Promise<Ticket> {
  const row = await trx.selectFrom('tickets').selectAll().where('tenant_id', '=', tenantId).where('id', '=', ticketId).forUpdate().executeTakeFirst();
  if (!row) throw new NotFoundError('ticket');
  return row;
}

/** Refuses an agent or group that is not this company's (an automation's stale id included). */
async function checkPeople(trx: Trx, tenantId: string, patch: TicketPatch): Promise<void> {
  const issues: { field: string; message: string }[] = [];
  if (patch.assigneeId) {
    const user = await trx
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', patch.assigneeId)
      .where('account_status', '<>', 'deactivated')
      .executeTakeFirst();
    if (!user) issues.push({ field: 'assigneeId', message: 'no such agent' });
  }
  if (patch.groupId) {
    const group = await trx.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', '=', patch.groupId).executeTakeFirst();
    if (!group) issues.push({ field: 'groupId', message: 'no such group' });
  }
  if (patch.followers?.length) {
    const users = await trx
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', [...new Set(patch.followers)])
      .execute();
    if (users.length !== new Set(patch.followers).size) issues.push({ field: 'followers', message: 'no such agent' });
  }
  if (issues.length) throw new ValidationError('unknown people', issues);
}

const normaliseTags = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))].sort();

/**
 * Applies a change to a locked ticket in the caller's transaction: checks it, writes the row and
 * one history line per changed field, moves the SLA clocks, records `ticket.updated`, then lets
 * the triggers react (each rule at most once per chain). Returns the ticket as it now is.
 */
export async function applyChanges(trx: Trx, ticket: Ticket, patch: TicketPatch, ctx: ChangeContext): Promise<{ ticket: Ticket; changes: FieldChange[] }> {
  if (ticket.status === 'closed') throw new ConflictError('a closed ticket cannot change');
  await checkPeople(trx, ticket.tenant_id, patch);
  const status = patch.status ?? ticket.status;
  let tags = patch.tags ? normaliseTags(patch.tags) : [...ticket.tags];
  if (patch.addTags) tags = normaliseTags([...tags, ...patch.addTags]);
  if (patch.removeTags) tags = tags.filter((t) => !patch.removeTags!.includes(t));
  const fields = patch.fields || patch.status ? await checkTicketFields(trx, ticket.tenant_id, ticket.fields, patch.fields, status) : ticket.fields;
  const next = {
    subject: patch.subject ?? ticket.subject,
    description: patch.description ?? ticket.description,
    status,
    priority: patch.priority ?? ticket.priority,
    type: patch.type === undefined ? ticket.type : patch.type,
    assignee_id: patch.assigneeId === undefined ? ticket.assignee_id : patch.assigneeId,
    group_id: patch.groupId === undefined ? ticket.group_id : patch.groupId,
    tags,
    due_at: patch.dueAt === undefined ? (ticket.due_at ? new Date(ticket.due_at).toISOString() : null) : patch.dueAt,
    fields,
  };
  const before = { ...ticket, due_at: ticket.due_at ? new Date(ticket.due_at).toISOString() : null } as Record<string, unknown>;
  const changes = diff(before, next, TRACKED);

  let followerChange: FieldChange | undefined;
  if (patch.followers) {
    const current = (await trx.selectFrom('ticket_followers').select('user_id').where('ticket_id', '=', ticket.id).execute()).map((r) => r.user_id).sort();
    const wanted = [...new Set(patch.followers)].sort();
    if (JSON.stringify(current) !== JSON.stringify(wanted)) {
      await trx.deleteFrom('ticket_followers').where('ticket_id', '=', ticket.id).execute();
      if (wanted.length)
        await trx
          .insertInto('ticket_followers')
          .values(wanted.map((u) => ({ tenant_id: ticket.tenant_id, ticket_id: ticket.id, user_id: u })))
          .execute();
      followerChange = { field: 'followers', from: current, to: wanted };
    }
  }
  if (changes.length === 0) {
    if (followerChange) await recordHistory(trx, ticket.tenant_id, ticket.id, ctx.actor, ctx.now, [followerChange]);
    return { ticket, changes: followerChange ? [followerChange] : [] };
  }

  const statusChanged = next.status !== ticket.status;
  let updated = await trx
    .updateTable('tickets')
    .set({
      ...next,
      fields: JSON.stringify(next.fields),
      updated_at: ctx.now,
      ...(statusChanged
        ? { status_changed_at: ctx.now, solved_at: next.status === 'solved' ? ctx.now : next.status === 'closed' ? ticket.solved_at : null }
        : {}),
    })
    .where('id', '=', ticket.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  const all = followerChange ? [...changes, followerChange] : changes;
  await recordHistory(trx, ticket.tenant_id, ticket.id, ctx.actor, ctx.now, all);
  updated = await slaAfterChange(trx, ticket, updated, ctx.now);
  await recordEvents(trx, [{ tenantId: ticket.tenant_id, kind: 'ticket.updated', payload: { ticket: ticketSummary(updated), changes: all } }]);
  updated = await runTriggers(trx, updated, 'ticket.updated', { ...ctx, changes: all });
  return { ticket: updated, changes: all };
}

/** Touches `updated_at` without a tracked change (a comment was added). */
export async function touch(trx: Trx, ticketId: string, now: Date): Promise<void> {
  await trx.updateTable('tickets').set({ updated_at: now }).where('id', '=', ticketId).where('updated_at', '<', sql<Date>`${now}`).execute();
}
