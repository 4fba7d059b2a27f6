import type { ColumnType, Generated, Kysely } from 'kysely';
import type { Database } from '../../core/db/schema.js';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface AiModelSettingsTable {
  tenant_id: string;
  enabled: boolean;
  base_url: string;
  model: string;
  /** Sealed (core/crypto/secrets.ts), never the key itself; null when the endpoint takes none. */
  api_key: string | null;
  mask_personal_data: boolean;
  timeout_ms: number;
  updated_at: Timestamp;
  updated_by: string | null;
}

export interface AiUsageTable {
  id: Generated<string>;
  tenant_id: string;
  feature: string;
  model: string;
  prompt_tokens: number;
  completion_tokens: number;
  latency_ms: number;
  outcome: 'ok' | 'error';
  error_code: string | null;
  at: Timestamp;
}

/** The model's tables (migration 0040_ai_model), beside the core schema. */
export type ModelTables = {
  ai_model_settings: AiModelSettingsTable;
  ai_usage: AiUsageTable;
};

export type ModelDb = Kysely<Database & ModelTables>;

export const modelDb = (db: Kysely<Database>): ModelDb => db.withTables<ModelTables>();
