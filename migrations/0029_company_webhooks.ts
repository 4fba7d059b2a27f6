import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Company webhooks: an admin subscribes a URL to events; every event of those kinds becomes one
 * delivery row per subscription (unique by subscription and event, so an event republished by
 * the outbox never makes a second delivery), tried until it is delivered, each attempt kept with
 * the answer. A failed outbound message keeps the provider's code beside its error text.
 */
const up = [
  `CREATE TABLE company_webhooks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    url text NOT NULL,
    events text[] NOT NULL,
    secret text NOT NULL,
    enabled boolean NOT NULL DEFAULT true,
    failure_streak integer NOT NULL DEFAULT 0,
    disabled_reason text,
    disabled_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id)
  )`,
  `CREATE INDEX company_webhooks_tenant ON company_webhooks (tenant_id) WHERE enabled`,
  `CREATE TABLE company_webhook_deliveries (
    id bigserial PRIMARY KEY,
    tenant_id uuid NOT NULL,
    webhook_id uuid NOT NULL,
    event_id bigint NOT NULL,
    kind text NOT NULL,
    body text NOT NULL,
    status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
    attempts integer NOT NULL DEFAULT 0,
    attempts_before_replay integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    last_status_code integer,
    last_error text,
    created_at timestamptz NOT NULL DEFAULT now(),
    delivered_at timestamptz,
    UNIQUE (webhook_id, event_id),
    FOREIGN KEY (tenant_id, webhook_id) REFERENCES company_webhooks(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX company_webhook_deliveries_due ON company_webhook_deliveries (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX company_webhook_deliveries_log ON company_webhook_deliveries (webhook_id, id DESC)`,
  `CREATE TABLE company_webhook_attempts (
    id bigserial PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES company_webhook_deliveries(id) ON DELETE CASCADE,
    attempt integer NOT NULL,
    status_code integer,
    error text,
    response text,
    duration_ms integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX company_webhook_attempts_delivery ON company_webhook_attempts (delivery_id, attempt)`,
  `ALTER TABLE messages ADD COLUMN error_code text`,
];
const down = [
  'ALTER TABLE messages DROP COLUMN error_code',
  'DROP TABLE company_webhook_attempts',
  'DROP TABLE company_webhook_deliveries',
  'DROP TABLE company_webhooks',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
