import { z } from 'zod';
import type { Db } from '../../../core/db/database.js';
import { NotFoundError, ValidationError } from '../../../core/errors.js';

export const idParams = z.object({ id: z.uuid() });

/**
 * Refuses ids that are not rows of this company, naming the field: a request can never attach
 * one company's row to another's. (The composite foreign keys would refuse it too, as a 500.)
 */
export async function requireOwned(
  db: Db,
  table: 'roles' | 'groups' | 'users' | 'skills' | 'channels' | 'contacts' | 'conversations' | 'business_calendars' | 'companies',
  tenantId: string,
  ids: readonly string[],
  field: string,
): Promise<void> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return;
  const found = await db.selectFrom(table).select('id').where('tenant_id', '=', tenantId).where('id', 'in', unique).execute();
  if (found.length !== unique.length) {
    const known = new Set(found.map((r) => r.id));
    const missing = unique.filter((id) => !known.has(id));
    throw new ValidationError(`unknown ${field}`, [{ field, message: `no such ${table.replace(/s$/, '')}: ${missing.join(', ')}` }]);
  }
}

/** The row exists in this company, or 404: never a hint that it exists in another. */
export function found<T>(row: T | undefined, what: string): T {
  if (!row) throw new NotFoundError(what);
  return row;
}
