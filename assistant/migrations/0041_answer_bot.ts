import { sql, type Kysely } from 'kysely';

/**
 * The answer bot: its settings per channel, one session per conversation it took (from the
 * first message to the handover or the resolution), and one turn per customer message it was
 * asked to answer.
 *
 * A session keeps the message that opened its conversation (`first_envelope`): a handover routes
 * the conversation with it, so the rules see what they would have seen had the bot not been there.
 * A turn's inbound message is unique: a message delivered twice is one turn, and its answer is
 * written only while the turn is still pending (one answer per turn, none after a handover).
 */
const up = [
  `CREATE TABLE bot_settings (
    channel_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    enabled boolean NOT NULL DEFAULT false,
    max_turns integer NOT NULL DEFAULT 3 CHECK (max_turns BETWEEN 1 AND 20),
    min_score real NOT NULL DEFAULT 0.4 CHECK (min_score BETWEEN 0 AND 1),
    handoff_keywords text[] NOT NULL DEFAULT '{}',
    handoff_tags text[] NOT NULL DEFAULT '{}',
    hours text NOT NULL DEFAULT 'always' CHECK (hours IN ('always', 'outside_business_hours')),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  'CREATE INDEX bot_settings_tenant ON bot_settings (tenant_id)',
  `CREATE TABLE bot_sessions (
    conversation_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'handed_over', 'resolved')),
    turns integer NOT NULL DEFAULT 0,
    answered integer NOT NULL DEFAULT 0,
    handoff_reason text,
    first_envelope jsonb NOT NULL,
    previous_assignee_id uuid,
    last_customer_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz NOT NULL DEFAULT now(),
    ended_at timestamptz,
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE
  )`,
  // The idle sweep reads the active sessions whose customer went quiet, oldest first.
  `CREATE INDEX bot_sessions_idle ON bot_sessions (last_customer_at) WHERE state = 'active'`,
  'CREATE INDEX bot_sessions_tenant ON bot_sessions (tenant_id, started_at)',
  `CREATE TABLE bot_turns (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    conversation_id uuid NOT NULL REFERENCES bot_sessions(conversation_id) ON DELETE CASCADE,
    message_id bigint NOT NULL UNIQUE,
    question text NOT NULL DEFAULT '',
    state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'answered', 'handed_over', 'skipped')),
    reply_message_id bigint,
    articles jsonb NOT NULL DEFAULT '[]',
    score real,
    latency_ms integer,
    created_at timestamptz NOT NULL DEFAULT now(),
    answered_at timestamptz
  )`,
  'CREATE INDEX bot_turns_conversation ON bot_turns (conversation_id, created_at)',
  // The sweep hands over the conversations whose turn waited too long for the worker.
  `CREATE INDEX bot_turns_pending ON bot_turns (created_at) WHERE state = 'pending'`,
  'CREATE INDEX bot_turns_tenant ON bot_turns (tenant_id, created_at)',
];
const down = ['DROP TABLE bot_turns', 'DROP TABLE bot_sessions', 'DROP TABLE bot_settings'];

export const migration = {
  up: async (db: Kysely<any>) => {
    for (const statement of up) await sql.raw(statement).execute(db);
  },
  down: async (db: Kysely<any>) => {
    for (const statement of down) await sql.raw(statement).execute(db);
  },
};
