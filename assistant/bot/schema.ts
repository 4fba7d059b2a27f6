import type { ColumnType, Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../../core/db/schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Stamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type JsonDefault<T> = ColumnType<T, T | string | undefined, T | string>;

/** When the bot answers: always, or only while the company is closed (the default group's calendar). */
export type BotHours = 'always' | 'outside_business_hours';
export type SessionState = 'active' | 'handed_over' | 'resolved';
export type TurnState = 'pending' | 'answered' | 'handed_over' | 'skipped';

/** An article the bot offered: what the customer saw as a link. */
export interface Citation {
  id: string;
  title: string;
  url: string;
}

export interface BotSettingsTable {
  channel_id: string;
  tenant_id: string;
  enabled: Generated<boolean>;
  max_turns: Generated<number>;
  min_score: Generated<number>;
  handoff_keywords: Generated<string[]>;
  handoff_tags: Generated<string[]>;
  hours: Generated<BotHours>;
  updated_at: Timestamp;
}

export interface BotSessionsTable {
  conversation_id: string;
  tenant_id: string;
  channel_id: string;
  state: Generated<SessionState>;
  turns: Generated<number>;
  answered: Generated<number>;
  handoff_reason: string | null;
  /** The InboundEnvelope that opened (or reopened) the conversation. */
  first_envelope: ColumnType<unknown, string, string>;
  previous_assignee_id: string | null;
  last_customer_at: Timestamp;
  started_at: Timestamp;
  ended_at: Stamp;
}

export interface BotTurnsTable {
  id: Generated<string>;
  tenant_id: string;
  conversation_id: string;
  message_id: string;
  question: string;
  state: Generated<TurnState>;
  reply_message_id: string | null;
  articles: JsonDefault<Citation[]>;
  score: number | null;
  latency_ms: number | null;
  created_at: Timestamp;
  answered_at: Stamp;
}

/** The answer bot's tables (migration 0041_answer_bot), beside the core schema. */
export type BotTables = {
  bot_settings: BotSettingsTable;
  bot_sessions: BotSessionsTable;
  bot_turns: BotTurnsTable;
};

export type BotDb = Kysely<Database & BotTables>;
export type BotTrx = Transaction<Database & BotTables>;

export const botDb = (db: Kysely<Database>): BotDb => db.withTables<BotTables>();
export const botTrx = (trx: Transaction<Database>): BotTrx => trx.withTables<BotTables>() as BotTrx;
