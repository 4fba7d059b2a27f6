import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Whether a contact's phone and e-mail are verified: entered or confirmed by the company (an
 * agent, an import, the API) or reported by a channel that proves them (the number a call or a
 * WhatsApp message comes from, the address a mail comes from) — as opposed to what a visitor
 * typed into a chat form. Only verified values let a new caller or sender land on an existing
 * contact (router/pipeline/identify.ts). The kernel's: it changes `contacts` and the matching.
 */
const up = [
  `ALTER TABLE contacts ADD COLUMN phone_verified boolean NOT NULL DEFAULT true, ADD COLUMN email_verified boolean NOT NULL DEFAULT true`,
  // What existing web chat visitors gave came from a form: nobody vouched for it.
  `UPDATE contacts c SET email_verified = false, phone_verified = false
    WHERE EXISTS (SELECT 1 FROM contact_identities i JOIN channels ch ON ch.id = i.channel_id
                  WHERE i.contact_id = c.id AND i.tenant_id = c.tenant_id AND ch.type = 'web')`,
  `CREATE INDEX contact_handles_phone_digits ON contact_handles (tenant_id, regexp_replace(value, '[^0-9]', '', 'g')) WHERE kind = 'phone'`,
];
const down = ['DROP INDEX contact_handles_phone_digits', 'ALTER TABLE contacts DROP COLUMN email_verified, DROP COLUMN phone_verified'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
