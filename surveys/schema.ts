import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface CsatResponseTable {
  id: Generated<string>;
  tenant_id: string;
  conversation_id: string;
  rating: number;
  comment: ColumnType<string, string | undefined, string>;
  via: string;
  channel_id: string;
  group_id: string | null;
  agent_id: string | null;
  answered_at: Timestamp;
}

export interface CsatInvitationTable {
  conversation_id: string;
  tenant_id: string;
  sent_at: Timestamp;
}

/** The surveys' tables (made by migrations/0013_reports.ts, with the reports'), beside the core schema. */
export type SurveyTables = {
  csat_responses: CsatResponseTable;
  csat_invitations: CsatInvitationTable;
};

export type SurveyDb = Kysely<Database & SurveyTables>;
export type SurveyTrx = Transaction<Database & SurveyTables>;

export const surveyDb = (db: Kysely<Database>): SurveyDb => db.withTables<SurveyTables>();
