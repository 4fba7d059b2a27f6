import { sql } from 'kysely';
import { fillCannedVariables, type CannedValues } from '../core/domain/canned-variables.js';
import { recordEvents } from '../core/outbox/outbox.js';
import { applyChanges, type TicketPatch } from './changes.js';
import type { FieldChange } from './history.js';
import type { Actor, Ticket, Trx } from './model.js';
import { addComment, canReply } from './comments.js';
import { actionSchema, AI_ASKS, allHold, conditionSchema, type Action, type Condition, type Facts, type TriggerEvent } from './rules.js';

export type { TriggerEvent } from './rules.js';

/**
 * The automation chain a change belongs to. A rule fires at most once per chain, and a chain
 * is at most MAX_DEPTH changes deep: an automation that undoes another, or re-triggers itself,
 * stops instead of looping.
 */
export interface Chain {
  depth: number;
  fired: Set<string>;
}
export const MAX_DEPTH = 5;

interface Rule {
  id: string;
  name: string;
  conditions: Condition[];
  actions: Action[];
}

function parseRule(row: { id: string; name: string; conditions: unknown; actions: unknown }): Rule | undefined {
  const conditions = conditionSchema.array().safeParse(row.conditions);
  const actions = actionSchema.array().safeParse(row.actions);
  if (!conditions.success || !actions.success) return undefined;
  return { id: row.id, name: row.name, conditions: conditions.data, actions: actions.data };
}

/** Carries out a rule's actions on the ticket; returns the ticket after them. */
async function perform(trx: Trx, ticket: Ticket, rule: Rule, ctx: { now: Date; chain: Chain }): Promise<Ticket> {
  const actor: Actor = { type: 'automation', id: rule.id };
  const patch: TicketPatch = {};
  const after: Action[] = [];
  for (const action of rule.actions) {
    if (action.type === 'set_status') patch.status = action.value;
    else if (action.type === 'set_priority') patch.priority = action.value;
    else if (action.type === 'set_type') patch.type = action.value;
    else if (action.type === 'assign') {
      if (action.assigneeId !== undefined) patch.assigneeId = action.assigneeId;
      if (action.groupId !== undefined) patch.groupId = action.groupId;
    } else if (action.type === 'add_tag') patch.addTags = [...(patch.addTags ?? []), action.tag];
    else if (action.type === 'remove_tag') patch.removeTags = [...(patch.removeTags ?? []), action.tag];
    else after.push(action);
  }
  let current = ticket;
  // Replies and notices first, so a rule that replies and then solves sends before it closes.
  for (const action of after) {
    if (action.type === 'notify') await notify(trx, current, action.to, action.text);
    if (action.type === 'ai_classify') await requestClassification(trx, current, rule, action);
    if (action.type === 'reply') {
      let text = action.text;
      if (action.cannedResponseId) {
        const canned = await trx
          .selectFrom('canned_responses')
          .select('body')
          .where('tenant_id', '=', ticket.tenant_id)
          .where('id', '=', action.cannedResponseId)
          .executeTakeFirst();
        text = canned ? fillCannedVariables(canned.body, await templateValues(trx, current)) : text;
      }
      if (text && current.status !== 'closed' && (await canReply(trx, current)))
        current = (await addComment(trx, current, { body: text, public: true }, { actor, now: ctx.now })).ticket;
    }
  }
  if (Object.keys(patch).length && current.status !== 'closed')
    current = (await applyChanges(trx, current, patch, { actor, now: ctx.now, chain: ctx.chain })).ticket;
  return current;
}

/** What a reply template's variables stand for on a ticket: its requester, its assignee, the company. */
async function templateValues(trx: Trx, ticket: Ticket): Promise<CannedValues> {
  const [contact, assignee, tenant] = await Promise.all([
    trx
      .selectFrom('contacts')
      .select(['name', 'email', 'phone'])
      .where('tenant_id', '=', ticket.tenant_id)
      .where('id', '=', ticket.requester_id)
      .executeTakeFirst(),
    ticket.assignee_id
      ? trx.selectFrom('users').select('name').where('tenant_id', '=', ticket.tenant_id).where('id', '=', ticket.assignee_id).executeTakeFirst()
      : undefined,
    trx.selectFrom('tenants').select('name').where('id', '=', ticket.tenant_id).executeTakeFirst(),
  ]);
  return {
    'contact.name': contact?.name,
    'contact.email': contact?.email,
    'contact.phone': contact?.phone,
    'agent.name': assignee?.name,
    'company.name': tenant?.name,
  };
}

/** A notice for agents: one `ticket.notify` event per agent, which only that agent's console receives. */
async function notify(trx: Trx, ticket: Ticket, to: 'assignee' | 'followers' | 'group', text: string): Promise<void> {
  let agents: string[] = [];
  if (to === 'assignee' && ticket.assignee_id) agents = [ticket.assignee_id];
  if (to === 'followers')
    agents = (await trx.selectFrom('ticket_followers').select('user_id').where('ticket_id', '=', ticket.id).execute()).map((r) => r.user_id);
  if (to === 'group' && ticket.group_id)
    agents = (await trx.selectFrom('group_members').select('user_id').where('group_id', '=', ticket.group_id).execute()).map((r) => r.user_id);
  await recordEvents(
    trx,
    agents.map((agentId) => ({
      tenantId: ticket.tenant_id,
      kind: 'ticket.notify',
      payload: { agentId, ticket: { id: ticket.id, number: Number(ticket.number), subject: ticket.subject }, text },
    })),
  );
}

/**
 * Records an `ai_classify` action as a `ticket.ai_requested` event in the rule's transaction: the
 * model is slow and may fail, so the assistant asks it after this transaction has committed.
 */
async function requestClassification(trx: Trx, ticket: Ticket, rule: Rule, action: Extract<Action, { type: 'ai_classify' }>): Promise<void> {
  const ask = AI_ASKS.filter((k) => action[k]);
  await recordEvents(trx, [{ tenantId: ticket.tenant_id, kind: 'ticket.ai_requested', payload: { ticketId: ticket.id, ruleId: rule.id, ask } }]);
}

async function logRun(trx: Trx, ticket: Ticket, rule: Rule, event: string, now: Date, episode: string | null): Promise<boolean> {
  const row = await trx
    .insertInto('automation_runs')
    .values({ tenant_id: ticket.tenant_id, automation_id: rule.id, ticket_id: ticket.id, event, episode, actions: JSON.stringify(rule.actions), fired_at: now })
    .onConflict((oc) => oc.columns(['automation_id', 'ticket_id', 'episode']).where('episode', 'is not', null).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Runs the company's event triggers on a ticket after `event`, in the caller's transaction, in
 * their order. Each rule whose conditions hold fires once (logged), then the chain goes on with
 * the ticket as its actions left it. Returns the ticket after every firing.
 */
export async function runTriggers(
  trx: Trx,
  ticket: Ticket,
  event: TriggerEvent,
  ctx: { now: Date; chain?: Chain; changes?: FieldChange[]; slaMetric?: string },
): Promise<Ticket> {
  const chain = ctx.chain ? { depth: ctx.chain.depth + 1, fired: ctx.chain.fired } : { depth: 0, fired: new Set<string>() };
  if (chain.depth > MAX_DEPTH) return ticket;
  const rows = await trx
    .selectFrom('automations')
    .select(['id', 'name', 'conditions', 'actions'])
    .where('tenant_id', '=', ticket.tenant_id)
    .where('kind', '=', 'trigger')
    .where('enabled', '=', true)
    .where(sql<boolean>`${event} = ANY(events)`)
    .orderBy('position')
    .orderBy('created_at')
    .execute();
  let current = ticket;
  const facts: Facts = { now: ctx.now, changes: ctx.changes, slaMetric: ctx.slaMetric };
  for (const row of rows) {
    const rule = parseRule(row);
    if (!rule || chain.fired.has(rule.id) || current.status === 'closed') continue;
    if (!allHold(current, rule.conditions, facts)) continue;
    chain.fired.add(rule.id);
    await logRun(trx, current, rule, event, ctx.now, null);
    current = await perform(trx, current, rule, { now: ctx.now, chain });
  }
  return current;
}

/**
 * Time rules ("solved for 7 days → closed"): for each enabled rule, the tickets it holds for at
 * `now`, each fired at most once per stretch in a status (the episode in the run log's unique
 * key). Returns how many firings it made.
 */
export async function runTimeRules(db: Trx | import('../core/db/database.js').Db, now: Date, limit = 200): Promise<number> {
  const rules = await db
    .selectFrom('automations')
    .select(['id', 'tenant_id', 'name', 'conditions', 'actions'])
    .where('kind', '=', 'time')
    .where('enabled', '=', true)
    .execute();
  let fired = 0;
  for (const row of rules) {
    const rule = parseRule(row);
    if (!rule) continue;
    const status = rule.conditions.find((c) => c.field === 'status' && c.op === 'is')?.value;
    const since = rule.conditions.find((c) => c.field === 'hours_since_status_change' && c.op === 'gte')?.value;
    let q = db
      .selectFrom('tickets')
      .select('id')
      .where('tenant_id', '=', row.tenant_id)
      .where('status', '<>', 'closed')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('automation_runs')
              .select('automation_runs.id')
              .whereRef('automation_runs.ticket_id', '=', 'tickets.id')
              .where('automation_runs.automation_id', '=', rule.id)
              .where(sql<boolean>`automation_runs.episode = tickets.status || '@' || tickets.status_changed_at::text`),
          ),
        ),
      );
    if (typeof status === 'string') q = q.where('status', '=', status as Ticket['status']);
    if (typeof since === 'number') q = q.where('status_changed_at', '<=', new Date(now.getTime() - since * 3_600_000));
    const candidates = await q.orderBy('status_changed_at').limit(limit).execute();
    for (const { id } of candidates) {
      const ran = await (db.isTransaction ? work(db as Trx) : db.transaction().execute(work));
      async function work(trx: Trx): Promise<boolean> {
        const ticket = await trx.selectFrom('tickets').selectAll().where('id', '=', id).forUpdate().skipLocked().executeTakeFirst();
        if (!ticket || ticket.status === 'closed' || !allHold(ticket, rule!.conditions, { now })) return false;
        const episode = (
          await trx.selectFrom('tickets').select(sql<string>`status || '@' || status_changed_at::text`.as('e')).where('id', '=', id).executeTakeFirstOrThrow()
        ).e;
        if (!(await logRun(trx, ticket, rule!, 'time', now, episode))) return false;
        await perform(trx, ticket, rule!, { now, chain: { depth: 0, fired: new Set([rule!.id]) } });
        return true;
      }
      if (ran) fired++;
    }
  }
  return fired;
}
