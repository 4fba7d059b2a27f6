import type { Db } from '../../core/db/database.js';
import { ticketView, type Ticket } from '../model.js';
import { historyNames } from './history-names.js';

/** A ticket as its page shows it: the ticket, its requester, followers, the conversation of replies and notes, the history and automation firings. */
export async function ticketDetail(db: Db, ticket: Ticket) {
  const [requester, followers, comments, history, runs] = await Promise.all([
    db
      .selectFrom('contacts')
      .select(['id', 'name', 'email', 'phone'])
      .where('tenant_id', '=', ticket.tenant_id)
      .where('id', '=', ticket.requester_id)
      .executeTakeFirst(),
    db.selectFrom('ticket_followers').select('user_id').where('ticket_id', '=', ticket.id).execute(),
    db
      .selectFrom('ticket_comments')
      .selectAll()
      .where('tenant_id', '=', ticket.tenant_id)
      .where('ticket_id', '=', ticket.id)
      .orderBy('id')
      .limit(1000)
      .execute(),
    db
      .selectFrom('ticket_history')
      .selectAll()
      .where('tenant_id', '=', ticket.tenant_id)
      .where('ticket_id', '=', ticket.id)
      .orderBy('id')
      .limit(2000)
      .execute(),
    db
      .selectFrom('automation_runs')
      .innerJoin('automations', 'automations.id', 'automation_runs.automation_id')
      .select(['automation_runs.id', 'automations.name', 'automation_runs.event', 'automation_runs.fired_at'])
      .where('automation_runs.tenant_id', '=', ticket.tenant_id)
      .where('automation_runs.ticket_id', '=', ticket.id)
      .orderBy('automation_runs.id')
      .execute(),
  ]);
  const statuses = comments.filter((c) => c.message_id).map((c) => c.message_id!);
  const names = await historyNames(db, ticket.tenant_id, history);
  const delivery = statuses.length
    ? await db.selectFrom('messages').select(['id', 'status', 'error']).where('tenant_id', '=', ticket.tenant_id).where('id', 'in', statuses).execute()
    : [];
  return {
    ...ticketView(ticket),
    followers: followers.map((f) => f.user_id),
    slaClocks: ticket.sla.clocks ?? {},
    slaPolicy: ticket.sla.policyName ?? null,
    requester: requester ?? null,
    comments: comments.map((c) => {
      const d = delivery.find((m) => m.id === c.message_id);
      return {
        id: c.id,
        authorType: c.author_type,
        authorId: c.author_id,
        public: c.public,
        body: c.body,
        messageId: c.message_id,
        delivery: d ? { status: d.status, error: d.error } : null,
        createdAt: new Date(c.created_at).toISOString(),
      };
    }),
    history: history.map((h) => ({
      id: h.id,
      actorType: h.actor_type,
      actorId: h.actor_id,
      field: h.field,
      from: h.old_value,
      to: h.new_value,
      at: new Date(h.created_at).toISOString(),
    })),
    /** Who and what the history points at, by their current names (`user:id`, `group:id`, `automation:id`, `ticket_field:key`). */
    historyNames: names,
    automationRuns: runs.map((r) => ({ id: r.id, name: r.name, event: r.event, at: new Date(r.fired_at).toISOString() })),
  };
}
