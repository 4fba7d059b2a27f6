import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** How long a company keeps resolved conversations and their files; see migrations/0030_data_rights.ts. */
export interface RetentionPolicyTable {
  tenant_id: string;
  conversation_days: number | null;
  file_days: number | null;
  next_run_at: Timestamp;
  updated_by: string | null;
  updated_at: Timestamp;
}

/** One run of a retention policy and what it removed. */
export interface RetentionRunTable {
  id: Generated<string>;
  tenant_id: string;
  started_by: string | null;
  conversation_days: number | null;
  file_days: number | null;
  conversations_removed: ColumnType<number, number | undefined, number>;
  messages_removed: ColumnType<number, number | undefined, number>;
  files_removed: ColumnType<number, number | undefined, number>;
  bytes_removed: ColumnType<string, number | string | undefined, number | string>;
  error: string | null;
  started_at: Timestamp;
  finished_at: NullableTimestamp;
}

/** A web chat transcript mailed for one resolution (its event); see migrations/0032_transcript_sends.ts. */
export interface TranscriptSendTable {
  tenant_id: string;
  event_id: string;
  conversation_id: string;
  sent_at: Timestamp;
}

declare module './schema.js' {
  interface Database {
    retention_policies: RetentionPolicyTable;
    retention_runs: RetentionRunTable;
    transcript_sends: TranscriptSendTable;
  }
}
