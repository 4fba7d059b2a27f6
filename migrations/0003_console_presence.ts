import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Presence: every open console WebSocket, with its last heartbeat, so any console process can
 * tell when an agent's last tab is gone (and set them away) even if the process that held the
 * socket died. `agent_presence` remembers that presence, not the agent, chose "away".
 */
const up = [
  `CREATE TABLE agent_connections (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    node_id text NOT NULL,
    connected_at timestamptz NOT NULL DEFAULT now(),
    last_heartbeat_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
  `CREATE INDEX agent_connections_user ON agent_connections (tenant_id, user_id)`,
  `CREATE INDEX agent_connections_heartbeat ON agent_connections (last_heartbeat_at)`,
  `CREATE TABLE agent_presence (
    tenant_id uuid NOT NULL,
    user_id uuid PRIMARY KEY,
    away_by_presence boolean NOT NULL DEFAULT false,
    FOREIGN KEY (tenant_id, user_id) REFERENCES users(tenant_id, id) ON DELETE CASCADE
  )`,
];

const down = ['DROP TABLE agent_presence', 'DROP TABLE agent_connections'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
