import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * The OpenID Connect provider's discovery document, read when an admin saves the settings: a
 * sign-in start, which anybody may make, then reads it here instead of fetching the issuer.
 * Settings saved before this have none; the admin saves them again to turn sign-in back on.
 */
const up = ['ALTER TABLE sso_settings ADD COLUMN oidc_discovery jsonb'];

const down = ['ALTER TABLE sso_settings DROP COLUMN oidc_discovery'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
