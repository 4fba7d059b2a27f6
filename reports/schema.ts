import type { ColumnType, Kysely, Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type BigId = ColumnType<string, never, never>;
/** bigint sums come back from pg as strings. */
type BigCount = ColumnType<string, number | string | undefined, number | string>;
type Count = ColumnType<number, number | undefined, number>;

export interface ConversationLogTable {
  id: BigId;
  tenant_id: string;
  conversation_id: string;
  kind: 'created' | 'queued' | 'assigned' | 'first_response' | 'resolved' | 'reopened';
  at: Timestamp;
  channel_id: string;
  group_id: string | null;
  agent_id: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  wait_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface AgentLogTable {
  id: BigId;
  tenant_id: string;
  agent_id: string;
  status: string;
  at: Timestamp;
}

export interface ReportSettingsTable {
  tenant_id: string;
  service_level_seconds: Count;
  surveys_enabled: ColumnType<boolean, boolean | undefined, boolean>;
}

interface HourKey {
  tenant_id: string;
  hour: Timestamp;
}

export interface ConversationsHourlyTable extends HourKey {
  channel_id: string;
  group_id: string | null;
  agent_id: string | null;
  tags: ColumnType<string[], string[] | undefined, string[]>;
  created: Count;
  first_responses: Count;
  first_response_seconds: BigCount;
  first_response_business_seconds: BigCount;
  resolved: Count;
  resolution_seconds: BigCount;
  resolution_business_seconds: BigCount;
  reopened: Count;
  handled: Count;
  queued: Count;
  queue_waits: Count;
  queue_wait_seconds: BigCount;
  abandoned: Count;
  abandoned_wait_seconds: BigCount;
}

export interface MessagesHourlyTable extends HourKey {
  channel_id: string;
  agent_id: string | null;
  messages_in: Count;
  messages_out: Count;
}

export interface AgentStatesHourlyTable extends HourKey {
  agent_id: string;
  online_seconds: Count;
  busy_seconds: Count;
  away_seconds: Count;
}

export interface CallsHourlyTable extends HourKey {
  channel_id: string;
  group_id: string | null;
  agent_id: string | null;
  offered: Count;
  answered: Count;
  abandoned: Count;
  answered_wait_seconds: BigCount;
  answered_within_sl: Count;
  talk_seconds: BigCount;
}

export interface CsatHourlyTable extends HourKey {
  channel_id: string;
  group_id: string | null;
  agent_id: string | null;
  responses: Count;
  rating_sum: Count;
  satisfied: Count;
}

/**
 * Per source of added rows (messages, the conversation history), where its rollups stand: every
 * row of a transaction below `applied_below` is in them, except those of the transactions in
 * `pending` (migration 0042; reports/rollup/increments.ts). xid8s, handled as text.
 */
export interface ReportIncrementsTable {
  source: 'messages' | 'conversation_log';
  applied_below: string;
  pending: string[];
}

/** The reports' tables (migrations 0013 and 0042), beside the core schema; the survey answers are the surveys' (surveys/schema.ts). */
export type ReportTables = {
  report_increments: ReportIncrementsTable;
  report_conversation_log: ConversationLogTable;
  report_agent_log: AgentLogTable;
  report_settings: ReportSettingsTable;
  report_conversations_hourly: ConversationsHourlyTable;
  report_messages_hourly: MessagesHourlyTable;
  report_agent_states_hourly: AgentStatesHourlyTable;
  report_calls_hourly: CallsHourlyTable;
  report_csat_hourly: CsatHourlyTable;
};

export type ReportDb = Kysely<Database & ReportTables>;
export type ReportTrx = Transaction<Database & ReportTables>;

export const reportDb = (db: Kysely<Database>): ReportDb => db.withTables<ReportTables>();

export const HOUR_MS = 3_600_000;
export const hourOf = (at: Date | number): number => Math.floor(new Date(at).getTime() / HOUR_MS) * HOUR_MS;

/** The company's report settings, with their defaults when none were saved. */
export async function reportSettings(db: ReportDb | ReportTrx, tenantId: string): Promise<{ serviceLevelSeconds: number; surveysEnabled: boolean }> {
  const row = await db.selectFrom('report_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  return { serviceLevelSeconds: row?.service_level_seconds ?? 20, surveysEnabled: row?.surveys_enabled ?? true };
}
