import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * The web chat's transcript e-mails sent, one row per resolution (the `conversation.resolved`
 * event's id): a redelivered event finds its row taken and sends nothing; a conversation resolved
 * again after a reopen is a new event and may send again.
 */
const up = [
  `CREATE TABLE transcript_sends (
    tenant_id uuid NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
    event_id text NOT NULL,
    conversation_id uuid NOT NULL,
    sent_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, event_id)
  )`,
];
const down = ['DROP TABLE transcript_sends'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
