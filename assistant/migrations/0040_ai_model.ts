import { sql, type Kysely } from 'kysely';

/**
 * A company's language model and what it costs.
 *
 * ai_model_settings: one OpenAI-compatible chat-completions endpoint per company (base URL,
 * model, key). The key is sealed with SECRET_KEY like channel secrets, bound to the company, so
 * a sealed value copied to another company does not open; no key is a model that needs none
 * (Ollama on the LAN). The timeout bounds a whole call, retries included.
 *
 * ai_usage: one row per call, whatever asked (the answer bot, the copilot, a summary), with its
 * tokens, latency and outcome; read by company and time, never by id from elsewhere.
 */
const up = [
  `CREATE TABLE ai_model_settings (
    tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    enabled boolean NOT NULL DEFAULT false,
    base_url text NOT NULL,
    model text NOT NULL,
    api_key text,
    mask_personal_data boolean NOT NULL DEFAULT false,
    timeout_ms integer NOT NULL DEFAULT 30000 CHECK (timeout_ms BETWEEN 1000 AND 300000),
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid
  )`,
  `CREATE TABLE ai_usage (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    feature text NOT NULL,
    model text NOT NULL,
    prompt_tokens integer NOT NULL DEFAULT 0,
    completion_tokens integer NOT NULL DEFAULT 0,
    latency_ms integer NOT NULL,
    outcome text NOT NULL CHECK (outcome IN ('ok', 'error')),
    error_code text,
    at timestamptz NOT NULL DEFAULT now()
  )`,
  'CREATE INDEX ai_usage_tenant_at ON ai_usage (tenant_id, at)',
];
const down = ['DROP TABLE ai_usage', 'DROP TABLE ai_model_settings'];

export const migration = {
  up: async (db: Kysely<any>) => {
    for (const statement of up) await sql.raw(statement).execute(db);
  },
  down: async (db: Kysely<any>) => {
    for (const statement of down) await sql.raw(statement).execute(db);
  },
};
