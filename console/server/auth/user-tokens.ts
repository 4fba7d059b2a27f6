import { sql, type Transaction } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import type { Database } from '../../../core/db/schema.js';
import { ValidationError } from '../../../core/errors.js';
import { hashToken, randomToken } from './tokens.js';

export type UserTokenPurpose = 'activation' | 'reset';

const LIFETIME_MS: Record<UserTokenPurpose, number> = { activation: 7 * 24 * 3_600_000, reset: 3_600_000 };

/** A one-time link token; an earlier unused one of the same purpose stops working. */
export async function issueUserToken(db: Db | Transaction<Database>, tenantId: string, userId: string, purpose: UserTokenPurpose): Promise<string> {
  const token = randomToken();
  await db.deleteFrom('user_tokens').where('tenant_id', '=', tenantId).where('user_id', '=', userId).where('purpose', '=', purpose).execute();
  await db
    .insertInto('user_tokens')
    .values({ token_hash: hashToken(token), tenant_id: tenantId, user_id: userId, purpose, expires_at: new Date(Date.now() + LIFETIME_MS[purpose]) })
    .execute();
  return token;
}

/** Spends a token (once) and returns its user; an unknown, used or expired token is a 400 on `token`. */
export async function consumeUserToken(trx: Transaction<Database>, tenantId: string, token: string, purpose: UserTokenPurpose): Promise<string> {
  const row = await trx
    .updateTable('user_tokens')
    .set({ used_at: sql`now()` })
    .where('token_hash', '=', hashToken(token))
    .where('tenant_id', '=', tenantId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .where('expires_at', '>', sql<Date>`now()`)
    .returning('user_id')
    .executeTakeFirst();
  if (!row) throw new ValidationError('the link is invalid or has expired', [{ field: 'token', message: 'invalid, used or expired' }]);
  return row.user_id;
}
