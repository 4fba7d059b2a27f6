import { sql, type Transaction } from 'kysely';
import type { Conversation, Database, Group } from '../../core/db/schema.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import type { EventLog } from '../events.js';
import { cancelJobs, jobKey, scheduleJob, scheduleJobsQuery, type TimerToSet } from '../timers/jobs.js';
import type { AgentPool } from './agent-pool.js';
import { capacityFor } from './candidates.js';

/**
 * How a conversation is routed, written with every placement so a routing decision made in
 * memory lands in the same statement as the assignment or the queueing.
 */
export function routingFields(conversation: Conversation) {
  return {
    group_id: conversation.group_id,
    required_skills: JSON.stringify(conversation.required_skills),
    priority: conversation.priority,
    preferred_agent_id: conversation.preferred_agent_id,
  };
}

/**
 * Gives a conversation to an agent. The caller holds the conversation's row and the tenant's
 * routing lock and has checked the agent has room (`load` is the agent's load before). When the
 * pool carries an `AssignmentBatch` (the inbound pipeline's), the writes join the batch's and the
 * conversation is returned as it will be written; the event is recorded now, in decision order.
 */
export async function assignTo(
  trx: Transaction<Database>,
  events: EventLog,
  conversation: Conversation,
  agent: { id: string; load: number; capacity: number },
  reason: string,
  group: Group | undefined,
  pool?: AgentPool,
): Promise<Conversation> {
  const previousAssigneeId = conversation.status === 'assigned' ? conversation.assignee_id : null;
  pool?.recordAssignment(agent.id, conversation.kind, conversation.contact_id);
  if (pool?.batch) {
    const updated: Conversation = { ...conversation, status: 'assigned', assignee_id: agent.id, queued_at: null };
    pool.batch.add({ conversation: updated, agent, reason, group });
    events.add(conversation.tenant_id, 'conversation.assigned', { conversation: conversationSnapshot(updated), previousAssigneeId });
    return updated;
  }
  const updated = await trx
    .updateTable('conversations')
    .set({
      ...routingFields(conversation),
      status: 'assigned',
      assignee_id: agent.id,
      assigned_at: sql`now()`,
      queued_at: null,
      updated_at: sql`now()`,
    })
    .where('tenant_id', '=', conversation.tenant_id)
    .where('id', '=', conversation.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  // clock_timestamp, not now(): several assignments in one transaction must still take turns.
  await trx
    .updateTable('users')
    .set({ last_assigned_at: sql`clock_timestamp()` })
    .where('tenant_id', '=', conversation.tenant_id)
    .where('id', '=', agent.id)
    .execute();
  await trx
    .insertInto('assignment_log')
    .values({
      tenant_id: conversation.tenant_id,
      conversation_id: conversation.id,
      agent_id: agent.id,
      kind: conversation.kind,
      action: 'assign',
      reason,
      load_after: agent.load + 1,
      capacity: agent.capacity,
    })
    .execute();
  await cancelJobs(trx, conversation.id, ['router.overflow', 'router.no_answer']);
  if (group?.no_answer_seconds) {
    await scheduleJob(trx, conversation.tenant_id, 'router.no_answer', { conversationId: conversation.id, agentId: agent.id }, group.no_answer_seconds);
  }
  events.add(conversation.tenant_id, 'conversation.assigned', { conversation: conversationSnapshot(updated), previousAssigneeId });
  return updated;
}

interface PendingAssignment {
  /** As it will be written: routed, status assigned, the agent set. */
  conversation: Conversation;
  agent: { id: string; load: number; capacity: number };
  reason: string;
  group: Group | undefined;
}

/**
 * The assignments of one tenant's part of an inbound batch, written together: one statement for
 * the whole batch (conversations, agents' turn, assignment log, timers cancelled, timers set)
 * instead of five per assignment. Decisions are still made one by one in memory against the pool,
 * under the tenant's routing lock, so the rules of ../locking.ts hold unchanged; only the writes
 * wait, and `flush` must run before anything in the transaction reads what they change (an
 * agent's load, a conversation's assignee) and before it commits.
 */
export class AssignmentBatch {
  private pending: PendingAssignment[] = [];
  private queued: { conversation: Conversation; group: Group | undefined }[] = [];
  private readonly written: Conversation[] = [];
  /** Per line (group id, '' for none): how many wait at each priority, counted once per batch. */
  private readonly lines = new Map<string, Map<number, number>>();

  add(assignment: PendingAssignment): void {
    this.pending.push(assignment);
  }

  /**
   * Whether a conversation can join its line through this batch: one that never waited, in a
   * line without a length limit (a limit is checked against the table, so that case is written
   * at once, after a flush).
   */
  canQueue(conversation: Conversation, group: Group | undefined): boolean {
    return conversation.status !== 'queued' && conversation.queued_at == null && group?.max_queue_length == null;
  }

  /**
   * Puts a conversation at the end of its line (written at the flush, after everyone already
   * waiting, in the order queued) and returns its place: those waiting at its priority or higher,
   * counted once per line and batch under the routing lock, plus this batch's own.
   */
  async queue(trx: Transaction<Database>, conversation: Conversation, group: Group | undefined): Promise<number> {
    const key = conversation.group_id ?? '';
    let line = this.lines.get(key);
    if (!line) {
      const rows = await trx
        .selectFrom('conversations')
        .select(['priority', sql<number>`count(*)::int`.as('n')])
        .where('tenant_id', '=', conversation.tenant_id)
        .where('status', '=', 'queued')
        .where((eb) => (conversation.group_id ? eb('group_id', '=', conversation.group_id) : eb('group_id', 'is', null)))
        .groupBy('priority')
        .execute();
      this.lines.set(key, (line = new Map(rows.map((r) => [r.priority, r.n]))));
    }
    let ahead = 0;
    for (const [priority, n] of line) if (priority >= conversation.priority) ahead += n;
    line.set(conversation.priority, (line.get(conversation.priority) ?? 0) + 1);
    this.queued.push({ conversation, group });
    return ahead + 1;
  }

  /**
   * Writes what is pending, assignments and conversations put in line together; returns every
   * conversation this batch has written so far, as stored.
   */
  async flush(trx: Transaction<Database>): Promise<Conversation[]> {
    const assigned = this.pending.splice(0);
    const queued = this.queued.splice(0);
    const placed = [
      ...assigned.map((a) => ({ ...a, status: 'assigned' as const })),
      ...queued.map((q) => ({ ...q, agent: undefined, status: 'queued' as const })),
    ];
    if (placed.length === 0) return this.written;
    const tenantId = placed[0]!.conversation.tenant_id;
    // The ids again as an array: the planner then probes the index once per id, whatever its
    // statistics say, instead of reading the tenant's conversations to join them to the list.
    // The company is matched per row (a join clause), not as a constant: a constant lets the
    // planner read every conversation of the company through `conversations_inbox`.
    const ids = placed.map((p) => p.conversation.id);
    const rows = sql.join(
      placed.map(({ conversation: c, agent, status }, turn) => {
        const f = routingFields(c);
        return sql`(${c.id}::uuid, ${tenantId}::uuid, ${status}, ${agent?.id ?? null}::uuid, ${f.group_id}::uuid, ${f.required_skills}::jsonb, ${f.priority}::smallint, ${f.preferred_agent_id}::uuid, ${turn}::int)`;
      }),
    );
    // Everything in one statement, each part a table of its own, so the tenant's routing lock
    // waits on one round trip, not five. An assignment is stamped now; a conversation joins the
    // end of its line in the order queued (the clock once, then a microsecond apart).
    const updated = await sql<Conversation>`with placed as (update conversations c
      set group_id = v.group_id, required_skills = v.required_skills, priority = v.priority,
        preferred_agent_id = v.preferred_agent_id, status = v.status, assignee_id = v.agent_id,
        assigned_at = case when v.status = 'assigned' then now() else c.assigned_at end,
        queued_at = case when v.status = 'queued' then (select clock_timestamp()) + v.turn * interval '1 microsecond' end,
        updated_at = now()
      from (values ${rows}) as v(id, tenant_id, status, agent_id, group_id, required_skills, priority, preferred_agent_id, turn)
      where c.id = any(${ids}::uuid[]) and c.id = v.id and c.tenant_id = v.tenant_id
      returning c.*)${assigned.length ? sql`, ${assignedParts(tenantId, assigned)}` : sql``}${timerParts(trx, tenantId, assigned, queued)}
      select * from placed`.execute(trx);
    const byId = new Map(updated.rows.map((row) => [row.id, row]));
    for (const { conversation } of placed) {
      const row = byId.get(conversation.id);
      if (!row) throw new Error(`conversation ${conversation.id} vanished while it was being placed`);
      this.written.push(row);
    }
    return this.written;
  }
}

/**
 * The parts of the flush for assignments: each agent's turn in the order the batch assigned
 * (later assignments get later times), and the assignment log, in decision order.
 */
function assignedParts(tenantId: string, assigned: readonly PendingAssignment[]) {
  const turns = new Map<string, number>();
  for (const [order, { agent }] of assigned.entries()) turns.set(agent.id, order);
  const turnRows = sql.join([...turns].map(([id, order]) => sql`(${id}::uuid, ${order}::int)`));
  const logRows = sql.join(
    assigned.map(
      ({ conversation, agent, reason }) =>
        sql`(${tenantId}::uuid, ${conversation.id}::uuid, ${agent.id}::uuid, ${conversation.kind}, 'assign', ${reason}, ${agent.load + 1}::int, ${agent.capacity}::int)`,
    ),
  );
  return sql`turns as (update users u set last_assigned_at = (select clock_timestamp()) + v.turn * interval '1 microsecond'
      from (values ${turnRows}) as v(id, turn)
      where u.tenant_id = ${tenantId} and u.id = any(${[...turns.keys()]}::uuid[]) and u.id = v.id),
    logged as (insert into assignment_log (tenant_id, conversation_id, agent_id, kind, action, reason, load_after, capacity)
      values ${logRows})`;
}

/**
 * The timers' part of the flush: an assigned conversation stops waiting (overflow) and may get a
 * no-answer timer; a queued one may get an overflow timer. A timer set here is moved by its
 * insert (one statement must not change a row twice), so it is not also deleted.
 */
function timerParts(
  trx: Transaction<Database>,
  tenantId: string,
  assigned: readonly PendingAssignment[],
  queued: readonly { conversation: Conversation; group: Group | undefined }[],
) {
  const set: TimerToSet[] = [
    ...assigned.flatMap(({ conversation, agent, group }) =>
      group?.no_answer_seconds
        ? [
            {
              tenantId,
              kind: 'router.no_answer' as const,
              payload: { conversationId: conversation.id, agentId: agent.id },
              afterSeconds: group.no_answer_seconds,
            },
          ]
        : [],
    ),
    ...queued.flatMap(({ conversation, group }) =>
      group?.overflow_group_id && group.overflow_after_seconds
        ? [
            {
              tenantId,
              kind: 'router.overflow' as const,
              payload: { conversationId: conversation.id, groupId: group.id },
              afterSeconds: group.overflow_after_seconds,
            },
          ]
        : [],
    ),
  ];
  const kept = new Set(set.map((job) => jobKey(job.kind, job.payload.conversationId)));
  const cancel = [
    ...assigned.flatMap(({ conversation: c }) => [jobKey('router.overflow', c.id), jobKey('router.no_answer', c.id)]),
    ...queued.map(({ conversation: c }) => jobKey('router.no_answer', c.id)),
  ].filter((key) => !kept.has(key));
  return sql`${cancel.length ? sql`, cancelled as (delete from jobs where key = any(${cancel}::text[]))` : sql``}${
    set.length ? sql`, timers as (${scheduleJobsQuery(trx, set)})` : sql``
  }`;
}

/**
 * Takes a conversation off its agent (resolved, transferred, re-routed) and logs the agent's load
 * after it. The conversation row itself is changed by the caller.
 */
export async function logRelease(trx: Transaction<Database>, conversation: Conversation, reason: string): Promise<void> {
  if (conversation.status !== 'assigned' || !conversation.assignee_id) return;
  const agent = await trx
    .selectFrom('users as u')
    .select([
      'u.capacity',
      // The agent's counter, less this conversation while it still counts there.
      sql<number>`coalesce((select l.assigned from agent_load l where l.user_id = u.id and l.kind = ${conversation.kind}), 0)
        - (select count(*)::int from conversations c where c.id = ${conversation.id} and c.assignee_id = u.id
          and c.status = 'assigned' and c.kind = ${conversation.kind})`.as('load'),
    ])
    .where('u.tenant_id', '=', conversation.tenant_id)
    .where('u.id', '=', conversation.assignee_id)
    .executeTakeFirst();
  if (!agent) return;
  await trx
    .insertInto('assignment_log')
    .values({
      tenant_id: conversation.tenant_id,
      conversation_id: conversation.id,
      agent_id: conversation.assignee_id,
      kind: conversation.kind,
      action: 'release',
      reason,
      load_after: agent.load,
      capacity: capacityFor(agent.capacity, conversation.kind),
    })
    .execute();
}
