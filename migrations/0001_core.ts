import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * The core schema. Every row that belongs to a company carries `tenant_id`, and every query
 * filters on it. Statements run one by one: the embedded engine takes one statement per query.
 */
const up = [
  `CREATE TABLE tenants (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$' AND slug <> 'www'),
    name text NOT NULL,
    settings jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE roles (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    builtin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE role_permissions (
    tenant_id uuid NOT NULL,
    role_id uuid NOT NULL,
    permission text NOT NULL,
    PRIMARY KEY (role_id, permission),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE users (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email text NOT NULL,
    name text NOT NULL,
    password_hash text,
    role_id uuid NOT NULL,
    account_status text NOT NULL DEFAULT 'invited' CHECK (account_status IN ('invited', 'active', 'deactivated')),
    agent_status text NOT NULL DEFAULT 'offline' CHECK (agent_status IN ('online', 'busy', 'away', 'offline')),
    phone_status text NOT NULL DEFAULT 'offline' CHECK (phone_status IN ('offline', 'ip_phone', 'web_phone', 'mobile')),
    capacity jsonb NOT NULL DEFAULT '{"chat": 5, "email": 20, "voice": 1}',
    last_assigned_at timestamptz,
    status_changed_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, role_id) REFERENCES roles(tenant_id, id)
  )`,
  `CREATE UNIQUE INDEX users_tenant_email ON users (tenant_id, lower(email))`,
  `CREATE TABLE groups (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    strategy text NOT NULL DEFAULT 'round_robin'
      CHECK (strategy IN ('round_robin', 'least_busy', 'skill_weighted', 'sticky', 'manual')),
    settings jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE group_members (
    tenant_id uuid NOT NULL,
    group_id uuid NOT NULL,
    user_id uuid NOT NULL,
    PRIMARY KEY (group_id, user_id),
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX group_members_user ON group_members (user_id)`,
  `CREATE TABLE skills (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    UNIQUE (tenant_id, name),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE agent_skills (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    skill_id uuid NOT NULL,
    level smallint NOT NULL CHECK (level BETWEEN 1 AND 5),
    PRIMARY KEY (user_id, skill_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, skill_id) REFERENCES skills(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE channels (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    type text NOT NULL,
    name text NOT NULL,
    config jsonb NOT NULL DEFAULT '{}',
    secrets text,
    enabled boolean NOT NULL DEFAULT true,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE contacts (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text,
    email text,
    phone text,
    attributes jsonb NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE contact_identities (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    external_id text NOT NULL,
    display_name text,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (channel_id, external_id),
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX contact_identities_contact ON contact_identities (contact_id)`,
  `CREATE TABLE conversations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    kind text NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'email', 'voice')),
    thread_key text NOT NULL DEFAULT '',
    status text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'queued', 'assigned', 'resolved')),
    group_id uuid,
    assignee_id uuid,
    priority smallint NOT NULL DEFAULT 0,
    subject text,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    last_message_at timestamptz,
    queued_at timestamptz,
    assigned_at timestamptz,
    first_response_at timestamptz,
    resolved_at timestamptz,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, group_id) REFERENCES groups(tenant_id, id) ON DELETE SET NULL (group_id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES users(tenant_id, id) ON DELETE SET NULL (assignee_id)
  )`,
  // At most one conversation that is not resolved per contact, channel and thread.
  `CREATE UNIQUE INDEX conversations_one_open ON conversations (channel_id, contact_id, thread_key)
     WHERE status <> 'resolved'`,
  `CREATE INDEX conversations_inbox ON conversations (tenant_id, status, last_message_at DESC)`,
  `CREATE INDEX conversations_assignee ON conversations (assignee_id) WHERE status <> 'resolved'`,
  `CREATE INDEX conversations_queue ON conversations (group_id, priority DESC, queued_at)
     WHERE status = 'queued'`,
  `CREATE TABLE messages (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    conversation_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    direction text NOT NULL CHECK (direction IN ('in', 'out')),
    sender_type text NOT NULL CHECK (sender_type IN ('contact', 'agent', 'system', 'bot')),
    sender_id uuid,
    external_id text,
    client_id text,
    private boolean NOT NULL DEFAULT false,
    content jsonb NOT NULL,
    status text NOT NULL DEFAULT 'received'
      CHECK (status IN ('received', 'queued', 'sent', 'delivered', 'read', 'failed')),
    error text,
    sent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE UNIQUE INDEX messages_external ON messages (channel_id, external_id) WHERE external_id IS NOT NULL`,
  `CREATE UNIQUE INDEX messages_client ON messages (conversation_id, client_id) WHERE client_id IS NOT NULL`,
  `CREATE INDEX messages_conversation ON messages (conversation_id, id)`,
  `CREATE TABLE outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid,
    exchange text NOT NULL DEFAULT 'events' CHECK (exchange IN ('events', 'outbound', 'inbound')),
    routing_key text,
    kind text NOT NULL,
    payload jsonb NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz
  )`,
  `CREATE INDEX outbox_pending ON outbox (id) WHERE published_at IS NULL`,
  `CREATE TABLE jobs (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid,
    kind text NOT NULL,
    key text UNIQUE,
    run_at timestamptz NOT NULL,
    payload jsonb NOT NULL DEFAULT '{}',
    attempts integer NOT NULL DEFAULT 0,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX jobs_due ON jobs (run_at)`,
];

const down = [
  'DROP TABLE jobs',
  'DROP TABLE outbox',
  'DROP TABLE messages',
  'DROP TABLE conversations',
  'DROP TABLE contact_identities',
  'DROP TABLE contacts',
  'DROP TABLE channels',
  'DROP TABLE agent_skills',
  'DROP TABLE skills',
  'DROP TABLE group_members',
  'DROP TABLE groups',
  'DROP TABLE users',
  'DROP TABLE role_permissions',
  'DROP TABLE roles',
  'DROP TABLE tenants',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
