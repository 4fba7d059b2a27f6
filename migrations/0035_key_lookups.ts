import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Key lookups that stay one row whatever the planner knows. PostgreSQL checks a foreign key
 * `(tenant_id, x_id) REFERENCES x(tenant_id, id)` with a plan it makes once per connection, often
 * while the table is still empty and has no statistics; then every index that starts with
 * `tenant_id` looks as cheap as the key, and on conversations (`conversations_inbox`), users
 * (`users_tenant_email`) and tickets (`tickets_requester`) it took that index and read every row
 * of the company to find one — a cost per stored message that grew with the open conversations.
 * An index that leads with the id wins that choice at every size. test/key-lookups.test.ts
 * checks every table referenced this way, so a later index cannot bring the scan back.
 */
const up = [
  'CREATE UNIQUE INDEX conversations_id_tenant ON conversations (id, tenant_id)',
  'CREATE UNIQUE INDEX users_id_tenant ON users (id, tenant_id)',
  'CREATE UNIQUE INDEX tickets_id_tenant ON tickets (id, tenant_id)',
  // The relay's cleanup (once a minute, events published over an hour ago) read the whole hour
  // of events to find the minute's worth it deletes: ~60 rows per event.
  'CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL',
];
const down = ['DROP INDEX outbox_published', 'DROP INDEX tickets_id_tenant', 'DROP INDEX users_id_tenant', 'DROP INDEX conversations_id_tenant'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
