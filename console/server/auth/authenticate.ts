import type { Context as HonoContext } from 'hono';
import { sql } from 'kysely';
import type { Context } from '../../../core/context.js';
import { isPermission, lacking, loadPrincipal } from '../../../core/auth/permissions.js';
import type { Auth } from '../api/route.js';
import type { TenantRef } from '../tenancy.js';
import { findSession, sessionToken } from './sessions.js';
import { rateLimiter } from '../../../core/http/rate-limit.js';
import { RateLimitedError } from '../../../core/errors.js';
import { hashToken } from './tokens.js';

export const API_TOKEN_PREFIX = 'sbt_';

/**
 * Who is calling, within one company: an API token (`Authorization: Bearer sbt_…`), whose
 * permissions are its owner's narrowed to the token's scopes, or a browser session cookie.
 * A token or cookie of another company finds nothing here.
 */
export async function authenticate(c: HonoContext, ctx: Context, tenant: TenantRef): Promise<Auth | undefined> {
  const db = ctx.database.db;
  const bearer = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
  if (bearer) {
    const token = await db
      .updateTable('api_tokens')
      .set({ last_used_at: sql`now()` })
      .where('token_hash', '=', hashToken(bearer))
      .where('tenant_id', '=', tenant.id)
      .where('revoked_at', 'is', null)
      .returning(['id', 'user_id', 'scopes'])
      .executeTakeFirst();
    if (!token) return undefined;
    const wait = rateLimiter('api-token', ctx.config.console.apiTokenRateLimit).take(token.id);
    if (wait > 0) throw new RateLimitedError(`this API token made more than ${ctx.config.console.apiTokenRateLimit} requests a minute`, wait);
    const principal = await loadPrincipal(db, tenant.id, token.user_id);
    if (!principal) return undefined;
    // Each scope the owner holds now, directly or through a wider one (view.all gives view.group).
    const scopes = token.scopes.filter(isPermission).filter((scope) => lacking(principal, [scope]).length === 0);
    return {
      principal: { ...principal, permissions: new Set(scopes) },
      via: 'token',
      tokenId: token.id,
    };
  }
  const cookie = sessionToken(c);
  if (!cookie) return undefined;
  const session = await findSession(db, ctx.config, tenant.id, cookie);
  if (!session) return undefined;
  const principal = await loadPrincipal(db, tenant.id, session.user_id);
  if (!principal) return undefined;
  return { principal, via: 'session', sessionId: session.id, sessionVia: session.via, csrfToken: session.csrf_token };
}
