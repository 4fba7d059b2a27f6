import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * What a channel's loop reports about itself (a bot logged in or waiting for its QR code to be
 * scanned, an error), so the console can show it whichever process runs the loop. And a key per
 * stored file where the provider names it (a message id and a part), so a message read twice
 * (a mailbox read again after a crash, a webhook sent again) keeps its files once.
 */
const up = [
  `CREATE TABLE channel_states (
    channel_id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    state text NOT NULL,
    detail text,
    account text,
    qr_code text,
    holder text,
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, channel_id) REFERENCES channels(tenant_id, id) ON DELETE CASCADE
  )`,
  'ALTER TABLE attachments ADD COLUMN source_key text',
  'CREATE UNIQUE INDEX attachments_source_key ON attachments (tenant_id, channel_id, source_key) WHERE source_key IS NOT NULL',
];
const down = ['DROP INDEX attachments_source_key', 'ALTER TABLE attachments DROP COLUMN source_key', 'DROP TABLE channel_states'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
