import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Retention: how long a company keeps resolved conversations and the files in them, and a report
 * of each run (what was removed, when, started by whom or by the schedule). A policy is due when
 * `next_run_at` passes; the sweeper takes it with SKIP LOCKED, so any number of console processes
 * may run one.
 */
const up = [
  `CREATE TABLE retention_policies (
    tenant_id uuid PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
    conversation_days integer CHECK (conversation_days BETWEEN 1 AND 36500),
    file_days integer CHECK (file_days BETWEEN 1 AND 36500),
    next_run_at timestamptz NOT NULL DEFAULT now(),
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now()
  )`,
  `CREATE TABLE retention_runs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    started_by uuid,
    conversation_days integer,
    file_days integer,
    conversations_removed integer NOT NULL DEFAULT 0,
    messages_removed integer NOT NULL DEFAULT 0,
    files_removed integer NOT NULL DEFAULT 0,
    bytes_removed bigint NOT NULL DEFAULT 0,
    error text,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
  )`,
  'CREATE INDEX retention_runs_tenant ON retention_runs (tenant_id, started_at DESC)',
];
const down = ['DROP TABLE retention_runs', 'DROP TABLE retention_policies'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
