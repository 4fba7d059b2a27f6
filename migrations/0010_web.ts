import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * The console finds the messages that carry a stored file (to let an agent download it only
 * from a conversation they may see) through an index of each message's attachment ids.
 * Messages without files index an empty array, which costs next to nothing.
 */
const up = [`CREATE INDEX messages_attachment_ids ON messages USING gin ((jsonb_path_query_array(content, '$[*].attachmentId')) jsonb_path_ops)`];
const down = ['DROP INDEX messages_attachment_ids'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
