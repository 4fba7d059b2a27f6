import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Sign-in hardening. The throttle keeps one row per account-and-address pair and per address,
 * updated in place under a row lock, instead of a row per failure counted afterwards (which let
 * parallel guesses through and let a stranger lock any account).
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
];

const down = [
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
