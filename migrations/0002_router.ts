import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * The router's schema: routing rules, business-hours calendars, per-group queue and timer
 * settings, what a rule asked of a conversation, and an append-only log of assignments (sticky
 * routing reads it, and it lets anyone replay an agent's load over time).
 */
const up = [
  `CREATE TABLE business_calendars (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    time_zone text NOT NULL,
    weekly_hours jsonb NOT NULL DEFAULT '[[],[],[],[],[],[],[]]',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE calendar_holidays (
    tenant_id uuid NOT NULL,
    calendar_id uuid NOT NULL,
    day date NOT NULL,
    name text NOT NULL DEFAULT '',
    PRIMARY KEY (calendar_id, day),
    FOREIGN KEY (tenant_id, calendar_id) REFERENCES business_calendars(tenant_id, id) ON DELETE CASCADE
  )`,
  `ALTER TABLE groups
    ADD COLUMN calendar_id uuid,
    ADD COLUMN overflow_group_id uuid,
    ADD COLUMN overflow_after_seconds integer CHECK (overflow_after_seconds > 0),
    ADD COLUMN max_queue_length integer CHECK (max_queue_length >= 0),
    ADD COLUMN queue_full_reply text,
    ADD COLUMN no_answer_seconds integer CHECK (no_answer_seconds > 0),
    ADD COLUMN no_answer_set_away boolean NOT NULL DEFAULT false,
    ADD COLUMN sticky_days integer NOT NULL DEFAULT 7 CHECK (sticky_days >= 0),
    ADD COLUMN auto_resolve_after_seconds integer CHECK (auto_resolve_after_seconds > 0),
    ADD FOREIGN KEY (tenant_id, calendar_id) REFERENCES business_calendars(tenant_id, id) ON DELETE SET NULL (calendar_id),
    ADD FOREIGN KEY (tenant_id, overflow_group_id) REFERENCES groups(tenant_id, id) ON DELETE SET NULL (overflow_group_id)`,
  `CREATE TABLE router_settings (
    tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    reopen_window_seconds integer NOT NULL DEFAULT 86400 CHECK (reopen_window_seconds >= 0),
    default_group_id uuid,
    FOREIGN KEY (tenant_id, default_group_id) REFERENCES groups(tenant_id, id) ON DELETE SET NULL (default_group_id)
  )`,
  `CREATE TABLE routing_rules (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    position integer NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    conditions jsonb NOT NULL DEFAULT '[]',
    actions jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE INDEX routing_rules_order ON routing_rules (tenant_id, position)`,
  `ALTER TABLE conversations
    ADD COLUMN required_skills jsonb NOT NULL DEFAULT '[]',
    ADD COLUMN preferred_agent_id uuid,
    ADD FOREIGN KEY (tenant_id, preferred_agent_id) REFERENCES users(tenant_id, id) ON DELETE SET NULL (preferred_agent_id)`,
  `CREATE INDEX conversations_contact ON conversations (contact_id)`,
  `CREATE TABLE assignment_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    kind text NOT NULL,
    action text NOT NULL CHECK (action IN ('assign', 'release')),
    reason text NOT NULL,
    load_after integer NOT NULL,
    capacity integer NOT NULL,
    at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agent_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX assignment_log_agent ON assignment_log (agent_id, id)`,
  `CREATE INDEX assignment_log_conversation ON assignment_log (conversation_id, id)`,
  `CREATE INDEX jobs_kind_key ON jobs (kind, run_at)`,
];

const down = [
  'DROP INDEX jobs_kind_key',
  'DROP TABLE assignment_log',
  'DROP INDEX conversations_contact',
  'ALTER TABLE conversations DROP COLUMN required_skills, DROP COLUMN preferred_agent_id',
  'DROP TABLE routing_rules',
  'DROP TABLE router_settings',
  `ALTER TABLE groups DROP COLUMN calendar_id, DROP COLUMN overflow_group_id, DROP COLUMN overflow_after_seconds,
     DROP COLUMN max_queue_length, DROP COLUMN queue_full_reply, DROP COLUMN no_answer_seconds,
     DROP COLUMN no_answer_set_away, DROP COLUMN sticky_days, DROP COLUMN auto_resolve_after_seconds`,
  'DROP TABLE calendar_holidays',
  'DROP TABLE business_calendars',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
