import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * What the connectors keep: API keys (hashed), a public key per channel for browser-facing
 * channels, stored attachments, visitors of the web chat, every attempt to deliver a webhook,
 * and the cursors of pull loops. Every row carries its tenant, like the core tables.
 */
const up = [
  `ALTER TABLE channels ADD COLUMN public_key text UNIQUE`,
  `ALTER TABLE messages ADD COLUMN provider_message_id text`,
  `CREATE TABLE channel_api_keys (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    prefix text NOT NULL,
    key_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz,
    revoked_at timestamptz,
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX channel_api_keys_channel ON channel_api_keys (channel_id)`,
  `CREATE TABLE attachments (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    owner text NOT NULL,
    name text NOT NULL,
    mime_type text NOT NULL,
    size bigint NOT NULL CHECK (size >= 0),
    sha256 text NOT NULL,
    storage_path text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE widget_visitors (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    token_hash text NOT NULL UNIQUE,
    external_id text NOT NULL,
    identified boolean NOT NULL DEFAULT false,
    profile jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX widget_visitors_external ON widget_visitors (channel_id, external_id)`,
  `CREATE TABLE webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    channel_id uuid NOT NULL,
    delivery_id text NOT NULL,
    message_id bigint,
    attempt integer NOT NULL,
    url text NOT NULL,
    status_code integer,
    error text,
    duration_ms integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX webhook_deliveries_delivery ON webhook_deliveries (channel_id, delivery_id, attempt)`,
  `CREATE TABLE pull_cursors (
    channel_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    cursor jsonb NOT NULL DEFAULT '{}',
    holder text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
];

const down = [
  'DROP TABLE pull_cursors',
  'DROP TABLE webhook_deliveries',
  'DROP TABLE widget_visitors',
  'DROP TABLE attachments',
  'DROP TABLE channel_api_keys',
  'ALTER TABLE messages DROP COLUMN provider_message_id',
  'ALTER TABLE channels DROP COLUMN public_key',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
