import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * What the console keeps: sessions, API tokens, one-time tokens for activation and password
 * reset, the sign-in throttle, single sign-on settings and spent token ids, the audit log,
 * mentions in internal notes, canned responses and contacts' custom fields. Every secret is
 * stored hashed (tokens) or sealed (the SSO shared secret); every company row has tenant_id.
 */
const up = [
  `CREATE TABLE sessions (
    id text PRIMARY KEY,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    csrf_token text NOT NULL,
    via text NOT NULL DEFAULT 'password' CHECK (via IN ('password', 'sso')),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX sessions_user ON sessions (tenant_id, user_id)`,
  `CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    name text NOT NULL,
    token_hash text NOT NULL UNIQUE,
    scopes text[] NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    UNIQUE (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE user_tokens (
    token_hash text PRIMARY KEY,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    purpose text NOT NULL CHECK (purpose IN ('activation', 'reset')),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    used_at timestamptz,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX user_tokens_user ON user_tokens (tenant_id, user_id, purpose)`,
  `CREATE TABLE sign_in_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email text NOT NULL,
    ip text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX sign_in_failures_account ON sign_in_failures (tenant_id, email, created_at)`,
  `CREATE INDEX sign_in_failures_ip ON sign_in_failures (ip, created_at)`,
  `CREATE TABLE sso_settings (
    tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    enabled boolean NOT NULL DEFAULT false,
    login_url text,
    logout_url text,
    secret text,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE sso_used_tokens (
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    jti text NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, jti)
  )`,
  `CREATE TABLE audit_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    actor_id uuid,
    actor_type text NOT NULL DEFAULT 'user' CHECK (actor_type IN ('user', 'api_token', 'system')),
    action text NOT NULL,
    target_type text NOT NULL,
    target_id text,
    details jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX audit_log_tenant ON audit_log (tenant_id, id DESC)`,
  `CREATE TABLE mentions (
    tenant_id uuid NOT NULL,
    message_id bigint NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
    conversation_id uuid NOT NULL,
    user_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    PRIMARY KEY (message_id, user_id),
    FOREIGN KEY (tenant_id, conversation_id) REFERENCES conversations(tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX mentions_user ON mentions (tenant_id, user_id, created_at DESC)`,
  `CREATE TABLE canned_responses (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    shortcut text NOT NULL,
    title text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, shortcut),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE TABLE custom_fields (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    key text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label text NOT NULL,
    type text NOT NULL CHECK (type IN ('text', 'number', 'boolean', 'date', 'select')),
    options text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, key),
    UNIQUE (tenant_id, id)
  )`,
];

const down = [
  'DROP TABLE custom_fields',
  'DROP TABLE canned_responses',
  'DROP TABLE mentions',
  'DROP TABLE audit_log',
  'DROP TABLE sso_used_tokens',
  'DROP TABLE sso_settings',
  'DROP TABLE sign_in_failures',
  'DROP TABLE user_tokens',
  'DROP TABLE api_tokens',
  'DROP TABLE sessions',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
