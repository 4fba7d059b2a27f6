import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * How long a stored recording plays (a voice message from the chat widget or the console, a
 * Telegram voice note), so the conversation shows "0:12" before anyone presses play: a browser's
 * recorder writes WebM without a duration, and the player would show nothing until the end.
 */
const up = ['ALTER TABLE attachments ADD COLUMN duration_ms integer CHECK (duration_ms >= 0)'];
const down = ['ALTER TABLE attachments DROP COLUMN duration_ms'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
