import type { Kysely } from 'kysely';
import { runStatements } from '../../migrations/run-statements.js';

/**
 * Tickets: what cannot be settled in one conversation. A gapless number per company (a counter
 * row locked by the transaction that creates the ticket), the ticket's own custom fields, every
 * change in an append-only history, public replies and internal notes, saved views, SLA policies
 * (their timers live in `jobs`) and automations with a log of every firing.
 */
const up = [
  `CREATE TABLE ticket_settings (
    tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    last_number bigint NOT NULL DEFAULT 0,
    status_names jsonb NOT NULL DEFAULT '{}'
  )`,
  `CREATE TABLE tickets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    number bigint NOT NULL,
    subject text NOT NULL,
    description text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'open', 'pending', 'on_hold', 'solved', 'closed')),
    priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    type text CHECK (type IN ('question', 'incident', 'problem', 'task')),
    requester_id uuid NOT NULL,
    assignee_id uuid,
    group_id uuid,
    tags text[] NOT NULL DEFAULT '{}',
    due_at timestamptz,
    fields jsonb NOT NULL DEFAULT '{}',
    source text NOT NULL DEFAULT 'manual' CHECK (source IN ('conversation', 'call', 'email', 'api', 'manual')),
    conversation_id uuid,
    call_id uuid REFERENCES calls(id) ON DELETE SET NULL,
    recording_ref text,
    merged_into_id uuid REFERENCES tickets(id) ON DELETE SET NULL,
    sla jsonb NOT NULL DEFAULT '{}',
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    first_response_at timestamptz,
    awaiting_reply_since timestamptz,
    solved_at timestamptz,
    UNIQUE (tenant_id, number),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, requester_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES users(tenant_id, id) ON DELETE SET NULL (assignee_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups(tenant_id, id) ON DELETE SET NULL (group_id),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE SET NULL (conversation_id)
  )`,
  `CREATE INDEX tickets_list ON tickets (tenant_id, status, updated_at DESC)`,
  `CREATE INDEX tickets_requester ON tickets (tenant_id, requester_id, created_at DESC)`,
  `CREATE INDEX tickets_conversation ON tickets (conversation_id) WHERE conversation_id IS NOT NULL`,
  `CREATE TABLE ticket_followers (
    tenant_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    user_id uuid NOT NULL,
    PRIMARY KEY (ticket_id, user_id),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE ticket_comments (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    author_type text NOT NULL CHECK (author_type IN ('agent', 'contact', 'system')),
    author_id uuid,
    public boolean NOT NULL,
    body text NOT NULL,
    message_id bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX ticket_comments_ticket ON ticket_comments (ticket_id, id)`,
  `CREATE UNIQUE INDEX ticket_comments_message ON ticket_comments (ticket_id, message_id) WHERE message_id IS NOT NULL`,
  `CREATE TABLE ticket_history (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    actor_type text NOT NULL CHECK (actor_type IN ('user', 'api_token', 'automation', 'system')),
    actor_id uuid,
    field text NOT NULL,
    old_value jsonb,
    new_value jsonb,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX ticket_history_ticket ON ticket_history (ticket_id, id)`,
  `CREATE TABLE ticket_fields (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label text NOT NULL,
    type text NOT NULL CHECK (type IN ('text', 'number', 'date', 'dropdown', 'multiselect', 'checkbox')),
    options text[] NOT NULL DEFAULT '{}',
    required_on text[] NOT NULL DEFAULT '{}',
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE ticket_views (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    owner_id uuid,
    name text NOT NULL,
    filters jsonb NOT NULL DEFAULT '{}',
    sort jsonb NOT NULL DEFAULT '{}',
    columns text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE sla_policies (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    position integer NOT NULL DEFAULT 0,
    enabled boolean NOT NULL DEFAULT true,
    match jsonb NOT NULL DEFAULT '{}',
    targets jsonb NOT NULL DEFAULT '{}',
    warn_before_minutes integer NOT NULL DEFAULT 30 CHECK (warn_before_minutes >= 0),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE automations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('trigger', 'time')),
    events text[] NOT NULL DEFAULT '{}',
    conditions jsonb NOT NULL DEFAULT '[]',
    actions jsonb NOT NULL DEFAULT '[]',
    enabled boolean NOT NULL DEFAULT true,
    position integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE automation_runs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    automation_id uuid NOT NULL,
    ticket_id uuid NOT NULL,
    event text NOT NULL,
    episode text,
    actions jsonb NOT NULL DEFAULT '[]',
    fired_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, automation_id) REFERENCES automations(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, ticket_id) REFERENCES tickets(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX automation_runs_ticket ON automation_runs (ticket_id, id)`,
  // A time rule fires once per ticket per stretch in a status (the episode), never again for it.
  `CREATE UNIQUE INDEX automation_runs_episode ON automation_runs (automation_id, ticket_id, episode) WHERE episode IS NOT NULL`,
];

const down = [
  'DROP TABLE automation_runs',
  'DROP TABLE automations',
  'DROP TABLE sla_policies',
  'DROP TABLE ticket_views',
  'DROP TABLE ticket_fields',
  'DROP TABLE ticket_history',
  'DROP TABLE ticket_comments',
  'DROP TABLE ticket_followers',
  'DROP TABLE tickets',
  'DROP TABLE ticket_settings',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
