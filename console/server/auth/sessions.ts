import type { Context as HonoContext } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { sql } from 'kysely';
import type { Config } from '../../../core/config/config.js';
import type { Db } from '../../../core/db/database.js';
import { hashToken, randomToken } from './tokens.js';

export const SESSION_COOKIE = 'sb_session';

export interface SessionRow {
  id: string;
  tenant_id: string;
  user_id: string;
  csrf_token: string;
  via: 'password' | 'sso';
}

/** Opens a session: the browser keeps the token, the database only its hash. */
export async function createSession(
  db: Db,
  config: Config,
  input: { tenantId: string; userId: string; via: 'password' | 'sso' },
): Promise<{ token: string; csrfToken: string }> {
  const token = randomToken();
  const csrfToken = randomToken();
  await db
    .insertInto('sessions')
    .values({
      id: hashToken(token),
      tenant_id: input.tenantId,
      user_id: input.userId,
      csrf_token: csrfToken,
      via: input.via,
      expires_at: new Date(Date.now() + config.console.sessionTtlMs),
    })
    .execute();
  return { token, csrfToken };
}

/**
 * The live session a cookie names, sliding its expiry forward but never past SESSION_MAX_HOURS
 * after it opened: a stolen cookie kept busy does not live for ever. Undefined when expired or
 * unknown.
 */
export async function findSession(db: Db, config: Config, tenantId: string, token: string): Promise<SessionRow | undefined> {
  const maxSeconds = Math.floor(config.console.sessionMaxMs / 1000);
  const row = await db
    .updateTable('sessions')
    .set({
      last_seen_at: sql`now()`,
      expires_at: sql<Date>`least(${new Date(Date.now() + config.console.sessionTtlMs)}::timestamptz, created_at + ${maxSeconds}::float8 * interval '1 second')`,
    })
    .where('id', '=', hashToken(token))
    .where('tenant_id', '=', tenantId)
    .where('expires_at', '>', sql<Date>`now()`)
    .where('created_at', '>', new Date(Date.now() - config.console.sessionMaxMs))
    .returning(['id', 'tenant_id', 'user_id', 'csrf_token', 'via'])
    .executeTakeFirst();
  return row;
}

export async function deleteSession(db: Db, sessionId: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
}

/** Signs a user out everywhere: on deactivation, a password reset, or the company's single sign-out. */
export async function deleteUserSessions(db: Db, tenantId: string, userId: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('tenant_id', '=', tenantId).where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}

const secure = (config: Config) => config.publicUrl.startsWith('https:');

export function setSessionCookie(c: HonoContext, config: Config, token: string): void {
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'Lax',
    secure: secure(config),
    path: '/',
    maxAge: Math.floor(config.console.sessionTtlMs / 1000),
  });
}

export function clearSessionCookie(c: HonoContext, config: Config): void {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure: secure(config), httpOnly: true, sameSite: 'Lax' });
}

export const sessionToken = (c: HonoContext) => getCookie(c, SESSION_COOKIE);
