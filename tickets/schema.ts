import type { ColumnType, Generated } from 'kysely';

/**
 * The tables of tickets, SLA policies and automations (migration 0011), added to the kernel's
 * `Database` by declaration merging from here, so core/db/schema.ts names none of them. Merging
 * rather than `withTables`: other parts still read these tables (the reports' rollup, the CRM's
 * export and erasure, the caller card, tests), and would each need the module's db wrapper.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type BigId = ColumnType<string, never, never>;
type JsonDefault<T = unknown> = ColumnType<T, T | string | undefined, T | string>;
type Optional<T> = ColumnType<T, T | undefined, T>;

export const TICKET_STATUSES = ['new', 'open', 'pending', 'on_hold', 'solved', 'closed'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_TYPES = ['question', 'incident', 'problem', 'task'] as const;
export type TicketType = (typeof TICKET_TYPES)[number];
export const TICKET_SOURCES = ['conversation', 'call', 'email', 'api', 'manual'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];
export const TICKET_FIELD_TYPES = ['text', 'number', 'date', 'dropdown', 'multiselect', 'checkbox'] as const;
export type TicketFieldType = (typeof TICKET_FIELD_TYPES)[number];
export const SLA_METRICS = ['firstResponse', 'nextResponse', 'resolution'] as const;
export type SlaMetric = (typeof SLA_METRICS)[number];

/** One SLA target's clock on a ticket. */
export interface SlaClock {
  startedAt: string;
  dueAt: string;
  warnAt: string;
  warned?: boolean;
  /**
   * active: counting; paused: the ticket is pending (waiting on the customer), the clock stands
   * still; met: done in time or late (see breachedAt); cancelled: no longer applies.
   */
  state: 'active' | 'paused' | 'met' | 'cancelled';
  breachedAt?: string;
  metAt?: string;
  /** While paused: since when, and the business minutes that were left to the warning and the target. */
  pausedAt?: string;
  warnLeftMinutes?: number;
  dueLeftMinutes?: number;
  /** Business minutes spent paused so far, added to the target when the clock is re-timed. */
  pausedMinutes?: number;
}

export interface TicketSla {
  policyId?: string;
  policyName?: string;
  clocks?: Partial<Record<SlaMetric, SlaClock>>;
}

export interface TicketSettingsTable {
  tenant_id: string;
  last_number: ColumnType<string, number | string | undefined, number | string>;
  status_names: JsonDefault<Partial<Record<TicketStatus, { en?: string; zh?: string }>>>;
}

export interface TicketTable {
  id: Generated<string>;
  tenant_id: string;
  number: ColumnType<string, number | string, number | string>;
  subject: string;
  description: Optional<string>;
  status: Optional<TicketStatus>;
  priority: Optional<TicketPriority>;
  type: ColumnType<TicketType | null, TicketType | null | undefined, TicketType | null>;
  requester_id: string;
  assignee_id: ColumnType<string | null, string | null | undefined, string | null>;
  group_id: ColumnType<string | null, string | null | undefined, string | null>;
  tags: Optional<string[]>;
  due_at: NullableTimestamp;
  fields: JsonDefault<Record<string, unknown>>;
  source: Optional<TicketSource>;
  conversation_id: ColumnType<string | null, string | null | undefined, string | null>;
  call_id: ColumnType<string | null, string | null | undefined, string | null>;
  recording_ref: ColumnType<string | null, string | null | undefined, string | null>;
  merged_into_id: ColumnType<string | null, string | null | undefined, string | null>;
  sla: JsonDefault<TicketSla>;
  created_by: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
  status_changed_at: Timestamp;
  first_response_at: NullableTimestamp;
  awaiting_reply_since: NullableTimestamp;
  solved_at: NullableTimestamp;
}

export interface TicketFollowerTable {
  tenant_id: string;
  ticket_id: string;
  user_id: string;
}

export interface TicketCommentTable {
  id: BigId;
  tenant_id: string;
  ticket_id: string;
  author_type: 'agent' | 'contact' | 'system';
  author_id: string | null;
  public: boolean;
  body: string;
  message_id: ColumnType<string | null, string | null | undefined, string | null>;
  created_at: Timestamp;
}

export interface TicketHistoryTable {
  id: BigId;
  tenant_id: string;
  ticket_id: string;
  actor_type: 'user' | 'api_token' | 'automation' | 'system';
  actor_id: string | null;
  field: string;
  old_value: ColumnType<unknown, string | null, string | null>;
  new_value: ColumnType<unknown, string | null, string | null>;
  created_at: Timestamp;
}

export interface TicketFieldTable {
  id: Generated<string>;
  tenant_id: string;
  key: string;
  label: string;
  type: TicketFieldType;
  options: Optional<string[]>;
  required_on: Optional<TicketStatus[]>;
  position: Optional<number>;
  created_at: Timestamp;
}

export interface TicketViewTable {
  id: Generated<string>;
  tenant_id: string;
  owner_id: string | null;
  name: string;
  filters: JsonDefault<Record<string, unknown>>;
  sort: JsonDefault<{ field?: string; direction?: 'asc' | 'desc' }>;
  columns: Optional<string[]>;
  created_at: Timestamp;
}

export interface SlaPolicyTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  position: Optional<number>;
  enabled: Optional<boolean>;
  /** Which tickets it covers: `{ channelTypes?: string[], contactTags?: string[] }`; empty covers all. */
  match: JsonDefault<{ channelTypes?: string[]; contactTags?: string[] }>;
  /** Minutes of business time per priority and metric. */
  targets: JsonDefault<Partial<Record<TicketPriority, Partial<Record<SlaMetric, number>>>>>;
  warn_before_minutes: Optional<number>;
  created_at: Timestamp;
}

export interface AutomationTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  kind: 'trigger' | 'time';
  events: Optional<string[]>;
  conditions: JsonDefault<unknown[]>;
  actions: JsonDefault<unknown[]>;
  enabled: Optional<boolean>;
  position: Optional<number>;
  created_at: Timestamp;
}

export interface AutomationRunTable {
  id: BigId;
  tenant_id: string;
  automation_id: string;
  ticket_id: string;
  event: string;
  episode: string | null;
  actions: JsonDefault<unknown[]>;
  fired_at: Timestamp;
}

declare module '../core/db/schema.js' {
  interface Database {
    ticket_settings: TicketSettingsTable;
    tickets: TicketTable;
    ticket_followers: TicketFollowerTable;
    ticket_comments: TicketCommentTable;
    ticket_history: TicketHistoryTable;
    ticket_fields: TicketFieldTable;
    ticket_views: TicketViewTable;
    sla_policies: SlaPolicyTable;
    automations: AutomationTable;
    automation_runs: AutomationRunTable;
  }
}
