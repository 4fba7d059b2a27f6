import { sql } from 'kysely';
import { ConflictError, ValidationError } from '../core/errors.js';
import { recordEvents } from '../core/outbox/outbox.js';
import { applyChanges, lockTicket } from './changes.js';
import { recordHistory } from './history.js';
import type { Actor, Ticket, Trx } from './model.js';
import { slaAfterChange } from './sla.js';

/**
 * Merges `sourceId` into `targetId`: the source's comments, followers and tags move to the
 * target, both get a note saying so, and the source is closed, pointing at the target (replies
 * on its conversation land on the target from then on). Locks both in id order, so two merges
 * of the same pair cannot deadlock.
 */
export async function mergeTickets(trx: Trx, tenantId: string, sourceId: string, targetId: string, ctx: { actor: Actor; now: Date }): Promise<Ticket> {
  if (sourceId === targetId) throw new ValidationError('a ticket cannot be merged into itself', [{ field: 'targetId', message: 'must be another ticket' }]);
  const [first, second] = [sourceId, targetId].sort();
  const locked = new Map<string, Ticket>();
  for (const id of [first!, second!]) locked.set(id, await lockTicket(trx, tenantId, id));
  const source = locked.get(sourceId)!;
  let target = locked.get(targetId)!;
  if (source.status === 'closed' || target.status === 'closed') throw new ConflictError('closed tickets cannot be merged');

  await trx
    .updateTable('ticket_comments')
    .set({ ticket_id: target.id })
    .where('ticket_id', '=', source.id)
    .where((eb) =>
      eb.or([
        eb('message_id', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('ticket_comments as t')
              .select(sql`1`.as('one'))
              .where('t.ticket_id', '=', target.id)
              .whereRef('t.message_id', '=', 'ticket_comments.message_id'),
          ),
        ),
      ]),
    )
    .execute();
  await sql`INSERT INTO ticket_followers (tenant_id, ticket_id, user_id) SELECT tenant_id, ${target.id}::uuid, user_id FROM ticket_followers WHERE ticket_id = ${source.id}::uuid ON CONFLICT DO NOTHING`.execute(
    trx,
  );
  const note = (body: string, ticketId: string) => ({
    tenant_id: tenantId,
    ticket_id: ticketId,
    author_type: 'system' as const,
    author_id: ctx.actor.type === 'user' ? ctx.actor.id : null,
    public: false,
    body,
    created_at: ctx.now,
  });
  await trx
    .insertInto('ticket_comments')
    .values([
      note(`Ticket #${source.number} (${source.subject}) was merged into this ticket.`, target.id),
      note(`Merged into ticket #${target.number}.`, source.id),
    ])
    .execute();
  target = (await applyChanges(trx, target, { addTags: source.tags }, ctx)).ticket;
  await recordHistory(trx, tenantId, target.id, ctx.actor, ctx.now, [{ field: 'merged_from', from: null, to: Number(source.number) }]);
  // Closed directly: a merge is not the agent solving it, so fields required on close do not apply.
  const closed = await trx
    .updateTable('tickets')
    .set({ status: 'closed', merged_into_id: target.id, status_changed_at: ctx.now, updated_at: ctx.now })
    .where('id', '=', source.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  await slaAfterChange(trx, source, closed, ctx.now);
  await recordHistory(trx, tenantId, source.id, ctx.actor, ctx.now, [
    { field: 'status', from: source.status, to: 'closed' },
    { field: 'merged_into', from: null, to: Number(target.number) },
  ]);
  await recordEvents(trx, [
    { tenantId, kind: 'ticket.merged', payload: { sourceId: source.id, targetId: target.id, groupId: target.group_id, assigneeId: target.assignee_id } },
  ]);
  return trx.selectFrom('tickets').selectAll().where('id', '=', target.id).executeTakeFirstOrThrow();
}
