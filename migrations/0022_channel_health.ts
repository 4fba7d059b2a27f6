import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * How each channel is doing as the platform sees it (its mailbox loop, webhook set-up and sends),
 * so the channels list can say "error" with the last error and its time instead of "On".
 */
const up = [
  `CREATE TABLE channel_health (
    channel_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    status text NOT NULL CHECK (status IN ('ok', 'error')),
    source text NOT NULL,
    error text,
    error_at timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
];
const down = ['DROP TABLE channel_health'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
