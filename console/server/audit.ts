import type { Transaction } from 'kysely';
import type { Db } from '../../core/db/database.js';
import type { Database } from '../../core/db/schema.js';
import type { Auth } from './api/route.js';

/**
 * Records an admin change, in the transaction that makes it. `details` says what changed, never
 * a secret: callers pass field names for secrets, not values.
 */
export async function audit(
  db: Db | Transaction<Database>,
  auth: Auth,
  action: string,
  target: { type: string; id?: string | null },
  details: Record<string, unknown> = {},
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      tenant_id: auth.principal.tenantId,
      actor_id: auth.via === 'token' ? (auth.tokenId ?? null) : auth.principal.userId,
      actor_type: auth.via === 'token' ? 'api_token' : 'user',
      action,
      target_type: target.type,
      target_id: target.id ?? null,
      details: JSON.stringify(details),
    })
    .execute();
}
