import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Two things of the first day:
 * - What status an agent starts a sign-in with, as the company decides: keep the last one (the
 *   default), or start online, or start away.
 * - Contacts made before every new contact got a readable name (and nameless imports) get one
 *   now, so nobody shows as a bare "Visitor": "Visitor 4821 · Shanghai · Chrome", the number
 *   made exactly as core/domain/contact-name.ts makes it (the first four bytes of the SHA-256 of
 *   the contact's first channel identity, or of its id when it has none, modulo 9000, plus 1000).
 */
/** The backfill on its own, so a test can run it over contacts it made. */
export const backfillVisitorNames = `WITH nameless AS (
    SELECT c.id, c.attributes,
      sha256(convert_to(coalesce(
        (SELECT i.external_id FROM contact_identities i WHERE i.contact_id = c.id ORDER BY i.created_at, i.id LIMIT 1),
        c.id::text), 'UTF8')) AS digest
    FROM contacts c
    WHERE c.name IS NULL OR btrim(c.name) = '' OR c.name = 'Visitor'
  )
  UPDATE contacts SET name = concat_ws(' · ',
      'Visitor ' || (1000 + (get_byte(n.digest, 0)::bigint * 16777216 + get_byte(n.digest, 1) * 65536 + get_byte(n.digest, 2) * 256 + get_byte(n.digest, 3)) % 9000),
      left(nullif(btrim(CASE WHEN jsonb_typeof(n.attributes->'city') = 'string' THEN n.attributes->>'city' END), ''), 40),
      left(nullif(btrim(CASE WHEN jsonb_typeof(n.attributes->'browser') = 'string' THEN n.attributes->>'browser' END), ''), 40))
  FROM nameless n WHERE contacts.id = n.id`;

const up = [
  `ALTER TABLE tenants ADD COLUMN agent_status_on_sign_in text NOT NULL DEFAULT 'keep' CHECK (agent_status_on_sign_in IN ('keep', 'online', 'away'))`,
  backfillVisitorNames,
];
// The names given stay: they are as good as any the customer has not replaced.
const down = ['ALTER TABLE tenants DROP COLUMN agent_status_on_sign_in'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
