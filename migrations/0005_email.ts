import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Messages by the provider's id, per channel: the e-mail channel finds a reply's conversation,
 * and a bounce's message, by the Message-ID we gave an outbound mail; delivery receipts
 * (WhatsApp statuses, two or three per message sent) find our outbound message the same way.
 */
const up = [`CREATE INDEX messages_provider_id ON messages (channel_id, provider_message_id) WHERE provider_message_id IS NOT NULL`];

const down = ['DROP INDEX messages_provider_id'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
