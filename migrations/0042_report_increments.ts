import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Reports kept by adding what is new instead of recounting an hour. Until now the reports
 * consumer recomputed every touched hour from its raw rows on each refresh, so a message cost
 * as many rows read as the hour already held. Messages and the conversation history now carry
 * the id of the transaction that wrote them (`insert_xid`), and `report_increments` keeps, per
 * source, where the rollups stand: every row of a transaction below `applied_below` is in them,
 * except those of the transactions in `pending` (still running when the mark moved). The
 * consumer adds the rows of the transactions that have ended since, moves the mark, in one
 * transaction — each row counted once whatever the events' redeliveries. Rows written before
 * this migration have no id and count as already in the rollups (the recomputation that was
 * there put them in).
 *
 * The rollups the consumer adds to get a unique key, so an hour's row is one upsert.
 */
const up = [
  // No default at first: the existing rows stay NULL (already counted) and the table is not rewritten.
  'ALTER TABLE messages ADD COLUMN insert_xid xid8',
  'ALTER TABLE messages ALTER COLUMN insert_xid SET DEFAULT pg_current_xact_id()',
  'CREATE INDEX messages_insert_xid ON messages (insert_xid) WHERE insert_xid IS NOT NULL',
  'ALTER TABLE report_conversation_log ADD COLUMN insert_xid xid8',
  'ALTER TABLE report_conversation_log ALTER COLUMN insert_xid SET DEFAULT pg_current_xact_id()',
  // With the id: the consumer reads a large transaction's rows in pages, in this order.
  'CREATE INDEX report_conversation_log_insert_xid ON report_conversation_log (insert_xid, id) WHERE insert_xid IS NOT NULL',
  `CREATE TABLE report_increments (
    source text PRIMARY KEY CHECK (source IN ('messages', 'conversation_log')),
    applied_below xid8 NOT NULL,
    pending xid8[] NOT NULL DEFAULT '{}'
  )`,
  // From the oldest transaction running now: one that started before this migration and writes later is still counted.
  `INSERT INTO report_increments (source, applied_below)
     SELECT s, pg_snapshot_xmin(pg_current_snapshot()) FROM unnest(ARRAY['messages', 'conversation_log']) s`,
  ...['hourly', 'daily'].flatMap((kind) => [
    `CREATE UNIQUE INDEX report_messages_${kind}_key ON report_messages_${kind} (tenant_id, hour, channel_id, agent_id) NULLS NOT DISTINCT`,
    `CREATE UNIQUE INDEX report_conversations_${kind}_key ON report_conversations_${kind} (tenant_id, hour, channel_id, group_id, agent_id, tags) NULLS NOT DISTINCT`,
  ]),
];

const down = [
  ...['hourly', 'daily'].flatMap((kind) => [`DROP INDEX report_conversations_${kind}_key`, `DROP INDEX report_messages_${kind}_key`]),
  'DROP TABLE report_increments',
  'ALTER TABLE report_conversation_log DROP COLUMN insert_xid',
  'ALTER TABLE messages DROP COLUMN insert_xid',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
