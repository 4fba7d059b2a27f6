import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * The address a company's people and customers reach it at (`https://support.example.com`),
 * recorded from the browser at sign-up when the operator set no PUBLIC_URL. Links in mail, the
 * embed tag and survey links are built from it; companies made before have none and keep using
 * PUBLIC_URL (or its default) until an admin sets one.
 */
const up = ['ALTER TABLE tenants ADD COLUMN public_url text'];

const down = ['ALTER TABLE tenants DROP COLUMN public_url'];

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
