import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Delivery receipts (WhatsApp statuses) find our outbound message by the provider's id: one
 * lookup per receipt, two or three receipts per message sent, so it needs an index.
 */
const up = [`CREATE INDEX messages_provider_id ON messages (channel_id, provider_message_id) WHERE provider_message_id IS NOT NULL`];

const down = ['DROP INDEX messages_provider_id'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
