import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Message search that stays fast over millions of messages.
 *
 * The text vector of a message (every CJK character a word of its own, see
 * migrations/0012_crm.ts) is stored with the row instead of being an index expression: checking a
 * row against a query then reads the vector rather than recomputing it from the message's JSON
 * (about 50 µs a row), and the planner has real statistics for it. The GIN index is on that
 * column. `messages_tenant_id` lets search read a tenant's newest messages first whatever the
 * other tenants write.
 *
 * Why not trigrams (pg_trgm, loaded on PostgreSQL and PGlite for contacts): a trigram index
 * cannot answer a one- or two-character query, and most Chinese words are two characters
 * ("退款"); the per-character text vector answers any of them from its index.
 *
 * The kernel's (it changes `messages`), though the CRM's search is what reads it.
 */
const up = [
  `ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (sb_search_vector(sb_message_text(content))) STORED`,
  'DROP INDEX messages_search',
  'CREATE INDEX messages_search_vector ON messages USING gin (search_vector)',
  'CREATE INDEX messages_tenant_id ON messages (tenant_id, id)',
];
const down = [
  'DROP INDEX messages_tenant_id',
  'DROP INDEX messages_search_vector',
  'CREATE INDEX messages_search ON messages USING gin (sb_search_vector(sb_message_text(content)))',
  'ALTER TABLE messages DROP COLUMN search_vector',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
