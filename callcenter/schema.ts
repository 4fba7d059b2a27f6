import type { ColumnType, Generated } from 'kysely';

/**
 * The call center's own tables: outbound call tasks (migrations/0008_voice.ts, which stays with
 * the kernel's migrations because it also creates the calls, phone menus and agents' phones the
 * router, the reports and the CRM read too). Their types are merged into `Database` by declaration
 * merging rather than `withTables` (as reports/schema.ts does): the customers' data rights
 * (export, erasure) and contact merges write call_task_targets through the plain `Database`
 * too, and those live with the CRM, outside this module.
 *
 * Stay in core/db/schema.ts because the router, the reports or the CRM read or write them:
 * ivr_flows, voice_endpoints, calls, call_events, callback_plans.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** An outbound call task (外呼任务): a time window, its agents, and the customers to call. */
export interface CallTaskTable {
  id: Generated<string>;
  tenant_id: string;
  name: string;
  starts_at: ColumnType<Date, Date | string, Date | string>;
  ends_at: ColumnType<Date, Date | string, Date | string>;
  created_by: string | null;
  created_at: Timestamp;
}

export interface CallTaskAgentTable {
  tenant_id: string;
  task_id: string;
  user_id: string;
}

/** One customer of a task; an agent claims it (one at a time), calls, and records the result. */
export interface CallTaskTargetTable {
  id: Generated<string>;
  tenant_id: string;
  task_id: string;
  position: number;
  name: string | null;
  phone: string;
  contact_id: string | null;
  status: Generated<'pending' | 'claimed' | 'done'>;
  agent_id: string | null;
  claimed_at: NullableTimestamp;
  result: string | null;
  note: string | null;
  done_at: NullableTimestamp;
}

declare module '../core/db/schema.js' {
  interface Database {
    call_tasks: CallTaskTable;
    call_task_agents: CallTaskAgentTable;
    call_task_targets: CallTaskTargetTable;
  }
}
