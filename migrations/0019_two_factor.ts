import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Sign-in hardening. The throttle keeps one row per account-and-address pair and per address,
 * updated in place under a row lock, instead of a row per failure counted afterwards (which let
 * parallel guesses through and let a stranger lock any account). Two-factor sign-in: a user's
 * TOTP secret (sealed with SECRET_KEY, like channel secrets), the last time step accepted (so a
 * code is taken once), ten recovery codes stored as hashes, the short-lived challenge between
 * the password and the code, and whether the company requires it.
 */
const up = [
  'DROP TABLE sign_in_failures',
  `CREATE TABLE sign_in_delays (
    key text PRIMARY KEY,
    failures integer NOT NULL,
    retry_at timestamptz NOT NULL,
    last_at timestamptz NOT NULL
  )`,
  `CREATE INDEX sign_in_delays_last ON sign_in_delays (last_at)`,
  `ALTER TABLE tenants ADD COLUMN two_factor_required boolean NOT NULL DEFAULT false`,
  `CREATE TABLE user_two_factor (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    secret text NOT NULL,
    enabled_at timestamptz,
    last_step bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE two_factor_recovery_codes (
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    code_hash text NOT NULL,
    used_at timestamptz,
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE TABLE sign_in_challenges (
    token_hash text PRIMARY KEY,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('code', 'enrol')),
    expires_at timestamptz NOT NULL,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX sign_in_challenges_expiry ON sign_in_challenges (expires_at)`,
];

const down = [
  'DROP TABLE sign_in_challenges',
  'DROP TABLE two_factor_recovery_codes',
  'DROP TABLE user_two_factor',
  'ALTER TABLE tenants DROP COLUMN two_factor_required',
  'DROP TABLE sign_in_delays',
  `CREATE TABLE sign_in_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    email text NOT NULL,
    ip text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE INDEX sign_in_failures_account ON sign_in_failures (tenant_id, email, created_at)`,
  `CREATE INDEX sign_in_failures_ip ON sign_in_failures (ip, created_at)`,
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
