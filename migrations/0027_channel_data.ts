import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * A connector's own state per channel, by key (`ctx.state` in the connector SDK): the one place
 * a channel written outside this repository keeps tokens, windows or cursors of its own. Gone
 * with its channel.
 */
const up = [
  `CREATE TABLE channel_data (
    channel_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    key text NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
    value jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (channel_id, key),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
];
const down = ['DROP TABLE channel_data'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
