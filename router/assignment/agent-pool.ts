import { sql, type Transaction } from 'kysely';
import type { Capacity, ConversationKind, Database, PhoneStatus } from '../../core/db/schema.js';
import { keepPlan } from '../../core/db/keep-plan.js';
import type { AgentCandidate } from '../strategies/index.js';
import type { AssignmentBatch } from './assign.js';

interface PooledAgent {
  id: string;
  capacity: Capacity;
  phoneStatus: PhoneStatus;
  lastAssignedAt: number | null;
  skills: Record<string, number>;
  /** Until when the agent does after-call work (no new call before), ms; null: none. */
  wrapUpUntil: number | null;
  /** Open conversations assigned now, by kind. */
  load: Partial<Record<ConversationKind, number>>;
}

/**
 * A tenant's online agents — capacity, skills and live load — read under the tenant's routing
 * lock: the groups a batch routes to together (`loadGroups`), any other one as routing first
 * needs it. While the lock is held nobody else can assign, release or change an agent's status
 * or capacity, so the pool stays exact as long as this transaction records its own assignments
 * in it: a batch pays one query for its groups, and each decision after that none. Never keep
 * one past its transaction.
 */
export class AgentPool {
  private readonly agents = new Map<string, PooledAgent>();
  private readonly groups = new Map<string, PooledAgent[]>();
  /** Contact → the last agent assigned one of its conversations, and when (null: never). */
  private readonly lastAgents = new Map<string, { agentId: string; at: number } | null>();

  constructor(
    private readonly trx: Transaction<Database>,
    private readonly tenantId: string,
    /** Where assignments made with this pool write (together, later); none: at once. */
    readonly batch?: AssignmentBatch,
  ) {}

  /** Who could take a conversation of `kind` in `groupId` (any online agent of the tenant when null). */
  async candidates(groupId: string | null, kind: ConversationKind, excludeAgentIds: readonly string[] = []): Promise<AgentCandidate[]> {
    const key = groupId ?? '';
    let agents = this.groups.get(key);
    if (!agents) this.groups.set(key, (agents = await this.loadGroup(groupId)));
    const result: AgentCandidate[] = [];
    for (const agent of agents) {
      if (kind === 'voice' && (agent.phoneStatus === 'offline' || (agent.wrapUpUntil ?? 0) > Date.now())) continue;
      if (excludeAgentIds.includes(agent.id)) continue;
      result.push({
        id: agent.id,
        load: agent.load[kind] ?? 0,
        capacity: agent.capacity[kind] ?? 0,
        lastAssignedAt: agent.lastAssignedAt,
        skills: agent.skills,
      });
    }
    return result;
  }

  /**
   * Reads the last agent of each contact in one query, so a batch's sticky decisions cost none.
   * Optional: `previousAgentOf` reads what was not preloaded. Needs no routing lock: it names
   * whom to offer a conversation first; whether they have room is the pool's, under the lock.
   */
  async preloadPreviousAgents(contactIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(contactIds)].filter((id) => !this.lastAgents.has(id));
    if (wanted.length === 0) return;
    const rows = await this.previousAgentsQuery(wanted);
    for (const id of wanted) this.lastAgents.set(id, null);
    for (const row of rows) this.lastAgents.set(row.contact_id, { agentId: row.agent_id, at: new Date(row.at).getTime() });
  }

  /** The agent who last took a conversation of this contact, if within `days`. */
  async previousAgentOf(contactId: string, days: number): Promise<string | null> {
    if (days <= 0) return null;
    if (!this.lastAgents.has(contactId)) await this.preloadPreviousAgents([contactId]);
    const last = this.lastAgents.get(contactId);
    return last && last.at > Date.now() - days * 86_400_000 ? last.agentId : null;
  }

  private previousAgentsQuery(contactIds: string[]) {
    return this.trx
      .selectFrom('assignment_log as l')
      .innerJoin('conversations as c', 'c.id', 'l.conversation_id')
      .select(['c.contact_id', 'l.agent_id', 'l.at'])
      .distinctOn('c.contact_id')
      .where('l.tenant_id', '=', this.tenantId)
      .where('c.contact_id', 'in', contactIds)
      .where('l.action', '=', 'assign')
      .orderBy('c.contact_id')
      .orderBy('l.id', 'desc')
      .execute();
  }

  /** Keeps the pool exact after this transaction assigned a conversation. */
  recordAssignment(agentId: string, kind: ConversationKind, contactId?: string): void {
    if (contactId) this.lastAgents.set(contactId, { agentId, at: Date.now() });
    const agent = this.agents.get(agentId);
    if (!agent) return;
    agent.load[kind] = (agent.load[kind] ?? 0) + 1;
    agent.lastAssignedAt = Date.now();
  }

  /**
   * Reads the online agents of several groups in one query, for a batch that knows which groups
   * its conversations go to: one statement under the routing lock instead of one per group.
   * Groups read before are skipped; `candidates` still reads any other group on first use.
   */
  async loadGroups(groupIds: readonly string[]): Promise<void> {
    const wanted = [...new Set(groupIds)].filter((id) => !this.groups.has(id));
    if (wanted.length === 0) return;
    const rows = await this.agentsQuery()
      .select(
        sql<string[]>`array(select m.group_id from group_members m
          where m.tenant_id = u.tenant_id and m.user_id = u.id and m.group_id = any(${wanted}::uuid[]))`.as('member_of'),
      )
      .where('u.id', 'in', (eb) =>
        eb.selectFrom('group_members').select('user_id').where('tenant_id', '=', this.tenantId).where(sql<boolean>`group_id = any(${wanted}::uuid[])`),
      )
      // One text whatever the number of groups, so its plan is kept.
      .modifyEnd(keepPlan)
      .execute();
    for (const id of wanted) this.groups.set(id, []);
    for (const row of rows) {
      const agent = this.adopt(row);
      for (const groupId of row.member_of) this.groups.get(groupId)?.push(agent);
    }
  }

  private async loadGroup(groupId: string | null): Promise<PooledAgent[]> {
    let query = this.agentsQuery();
    if (groupId) {
      query = query.where('u.id', 'in', (eb) =>
        eb.selectFrom('group_members').select('user_id').where('tenant_id', '=', this.tenantId).where('group_id', '=', groupId),
      );
    }
    return (await query.execute()).map((row) => this.adopt(row));
  }

  /** The tenant's online agents with what routing reads of them; callers narrow it to groups. */
  private agentsQuery() {
    return this.trx
      .selectFrom('users as u')
      .select([
        'u.id',
        'u.capacity',
        'u.phone_status',
        'u.last_assigned_at',
        // The counter the conversations' triggers keep (one row per kind), not a count of rows.
        sql<Partial<Record<ConversationKind, number>>>`coalesce((select jsonb_object_agg(l.kind, l.assigned)
          from agent_load l where l.user_id = u.id), '{}'::jsonb)`.as('load'),
        sql<Record<string, number>>`coalesce((select jsonb_object_agg(s.skill_id, s.level)
          from agent_skills s where s.user_id = u.id), '{}'::jsonb)`.as('skills'),
        sql<Date | null>`(select max(c.ended_at) + make_interval(secs => e.wrap_up_seconds) from voice_endpoints e
          join calls c on c.tenant_id = e.tenant_id and c.agent_id = e.user_id and c.state = 'ended' and c.answered_at is not null
          where e.tenant_id = u.tenant_id and e.user_id = u.id and e.wrap_up_seconds > 0 group by e.wrap_up_seconds)`.as('wrap_up_until'),
      ])
      .where('u.tenant_id', '=', this.tenantId)
      .where('u.account_status', '=', 'active')
      .where('u.agent_status', '=', 'online');
  }

  /** The pool's agent for a row: an agent met in an earlier group keeps the object (and the load recorded since). */
  private adopt(row: {
    id: string;
    capacity: Capacity;
    phone_status: PhoneStatus;
    last_assigned_at: Date | string | null;
    skills: Record<string, number>;
    wrap_up_until: Date | string | null;
    load: Partial<Record<ConversationKind, number>>;
  }): PooledAgent {
    const known = this.agents.get(row.id);
    if (known) return known;
    const agent: PooledAgent = {
      id: row.id,
      capacity: row.capacity,
      phoneStatus: row.phone_status,
      lastAssignedAt: row.last_assigned_at ? new Date(row.last_assigned_at).getTime() : null,
      skills: row.skills,
      wrapUpUntil: row.wrap_up_until ? new Date(row.wrap_up_until).getTime() : null,
      load: row.load,
    };
    this.agents.set(agent.id, agent);
    return agent;
  }
}
