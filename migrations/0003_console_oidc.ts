import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/** OpenID Connect as the second way to sign in with the company's identity provider. */
const up = [
  `ALTER TABLE sso_settings ADD COLUMN oidc_enabled boolean NOT NULL DEFAULT false`,
  `ALTER TABLE sso_settings ADD COLUMN oidc_issuer text`,
  `ALTER TABLE sso_settings ADD COLUMN oidc_client_id text`,
  `ALTER TABLE sso_settings ADD COLUMN oidc_client_secret text`,
];

const down = [
  'ALTER TABLE sso_settings DROP COLUMN oidc_client_secret',
  'ALTER TABLE sso_settings DROP COLUMN oidc_client_id',
  'ALTER TABLE sso_settings DROP COLUMN oidc_issuer',
  'ALTER TABLE sso_settings DROP COLUMN oidc_enabled',
];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
