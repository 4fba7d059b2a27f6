import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Macros: a name and an ordered list of actions an agent runs on a conversation with one click
 * (reply, internal note, tag, assign, resolve, priority). Scheduled messages need no table: they
 * are jobs (`conversation.scheduled_reply`) of the one job runner.
 */
const up = [
  `CREATE TABLE macros (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    name text NOT NULL,
    actions jsonb NOT NULL DEFAULT '[]',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, name)
  )`,
];
const down = ['DROP TABLE macros'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
