import type { Context as HonoContext } from 'hono';
import { jwtVerify } from 'jose';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../../core/config/config.js';
import type { Context } from '../../../core/context.js';
import { openSecret } from '../../../core/crypto/secrets.js';
import type { Db } from '../../../core/db/database.js';
import { NotFoundError, UnauthorizedError } from '../../../core/errors.js';
import { applySignInStatus } from './sign-in-status.js';
import { createSession, setSessionCookie } from './sessions.js';

/** The longest a company's sign-in token may live: it is meant to be used at once. */
export const SSO_MAX_TOKEN_AGE_SECONDS = 300;

export const ssoSecretAad = (tenantId: string) => `sso:${tenantId}`;

export async function ssoSettings(db: Db, tenantId: string) {
  return db.selectFrom('sso_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
}

export async function enabledSso(db: Db, tenantId: string) {
  const settings = await ssoSettings(db, tenantId);
  if (!settings?.enabled || !settings.secret) throw new NotFoundError('single sign-on');
  return settings as typeof settings & { secret: string };
}

const claims = z.object({ email: z.email().max(320), name: z.string().max(200).optional(), jti: z.string().min(8).max(200) });

/**
 * Verifies a token the company's site signed with the shared secret (HS256): it must carry
 * `exp`, `iat` and a `jti`, be at most five minutes old, and not have been used before. The
 * `jti` is spent in the same step, so a replayed token is refused even across processes.
 */
export async function verifySsoToken(db: Db, config: Config, tenantId: string, sealedSecret: string, token: string): Promise<{ email: string }> {
  const secret = new TextEncoder().encode(openSecret(config.secretKey, sealedSecret, ssoSecretAad(tenantId)));
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, secret, {
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat', 'jti'],
      maxTokenAge: SSO_MAX_TOKEN_AGE_SECONDS,
      clockTolerance: 30,
    }));
  } catch (error) {
    throw new UnauthorizedError(`single sign-on token refused: ${(error as { code?: string }).code ?? 'invalid'}`);
  }
  const parsed = claims.safeParse(payload);
  if (!parsed.success) throw new UnauthorizedError('single sign-on token refused: it needs email and jti claims');
  const exp = payload.exp as number;
  await db.deleteFrom('sso_used_tokens').where('tenant_id', '=', tenantId).where('expires_at', '<', sql<Date>`now() - interval '1 minute'`).execute();
  const spent = await db
    .insertInto('sso_used_tokens')
    .values({ tenant_id: tenantId, jti: parsed.data.jti, expires_at: new Date((exp + 60) * 1000) })
    .onConflict((oc) => oc.doNothing())
    .returning('jti')
    .executeTakeFirst();
  if (!spent) throw new UnauthorizedError('single sign-on token refused: already used');
  return { email: parsed.data.email.toLowerCase() };
}

/** Only a path on this site: an open redirect would hand the session's landing page to anyone. */
export function safeReturnPath(value: string | undefined, fallback: string): string {
  if (value && /^\/(?![/\\])[^\s]*$/.test(value)) return value;
  return fallback;
}

/**
 * Opens a session for the user the company's identity vouches for. An invited agent is activated
 * by it; a deactivated one, or an e-mail nobody has here, gets nothing.
 */
export async function startSsoSession(ctx: Context, c: HonoContext, tenantId: string, email: string): Promise<void> {
  const db = ctx.database.db;
  const user = await db
    .updateTable('users')
    .set({ account_status: 'active' })
    .where('tenant_id', '=', tenantId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
    .where('account_status', 'in', ['active', 'invited'])
    .returning('id')
    .executeTakeFirst();
  if (!user) throw new UnauthorizedError('no active account for this e-mail');
  const session = await createSession(db, ctx.config, { tenantId, userId: user.id, via: 'sso' });
  setSessionCookie(c, ctx.config, session.token);
  await applySignInStatus(ctx, tenantId, user.id);
}
