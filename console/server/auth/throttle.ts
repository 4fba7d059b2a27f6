import type { Context as HonoContext } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { sql } from 'kysely';
import type { Config } from '../../../core/config/config.js';
import type { Db } from '../../../core/db/database.js';
import { RateLimitedError } from '../errors.js';

/** The caller's address: the socket's, or the first X-Forwarded-For hop when behind a trusted proxy. */
export function clientAddress(c: HonoContext, config: Config): string {
  if (config.console.trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/**
 * Refuses a sign-in when the account or the address has failed too often within the window.
 * Counted in PostgreSQL, so the limit holds across every console process.
 */
export async function checkSignInAllowed(db: Db, config: Config, input: { tenantId: string; email: string; ip: string }): Promise<void> {
  const { maxFailures, maxFailuresPerIp, windowMs } = config.console.signIn;
  const since = new Date(Date.now() - windowMs);
  const [account, address] = await Promise.all([
    db
      .selectFrom('sign_in_failures')
      .select([sql<number>`count(*)::int`.as('n'), sql<Date>`min(created_at)`.as('first')])
      .where('tenant_id', '=', input.tenantId)
      .where('email', '=', input.email.toLowerCase())
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('sign_in_failures')
      .select([sql<number>`count(*)::int`.as('n'), sql<Date>`min(created_at)`.as('first')])
      .where('ip', '=', input.ip)
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow(),
  ]);
  const blocked = [account.n >= maxFailures ? account.first : undefined, address.n >= maxFailuresPerIp ? address.first : undefined].filter(
    (first): first is Date => first instanceof Date || typeof first === 'string',
  );
  if (blocked.length > 0) {
    const freeAt = Math.max(...blocked.map((first) => new Date(first).getTime() + windowMs));
    throw new RateLimitedError('too many failed sign-ins; try again later', Math.max(1, Math.ceil((freeAt - Date.now()) / 1000)));
  }
}

export async function recordSignInFailure(db: Db, config: Config, input: { tenantId: string; email: string; ip: string }): Promise<void> {
  await db.insertInto('sign_in_failures').values({ tenant_id: input.tenantId, email: input.email.toLowerCase(), ip: input.ip }).execute();
  // Old failures no longer count; drop this account's and address's as they age out.
  await db
    .deleteFrom('sign_in_failures')
    .where('created_at', '<', new Date(Date.now() - config.console.signIn.windowMs))
    .where((eb) => eb.or([eb.and([eb('tenant_id', '=', input.tenantId), eb('email', '=', input.email.toLowerCase())]), eb('ip', '=', input.ip)]))
    .execute();
}

export async function clearSignInFailures(db: Db, input: { tenantId: string; email: string }): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('tenant_id', '=', input.tenantId).where('email', '=', input.email.toLowerCase()).execute();
}
