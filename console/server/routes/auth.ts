import { z } from 'zod';
import { sql } from 'kysely';
import { ConflictError, ForbiddenError, UnauthorizedError } from '../../../core/errors.js';
import type { Db } from '../../../core/db/database.js';
import type { Context } from '../../../core/context.js';
import { publicRoute, route, type AnyRoute, type Auth } from '../api/route.js';
import { authenticate } from '../auth/authenticate.js';
import { hashPassword, passwordSchema, verifyPassword } from '../auth/passwords.js';
import { applySignInStatus } from '../auth/sign-in-status.js';
import { clearSessionCookie, createSession, deleteSession, deleteUserSessions, setSessionCookie } from '../auth/sessions.js';
import { claimSignInAttempt, clientAddress, forgetOldSignInDelays, releaseSignInAttempt } from '../auth/throttle.js';
import { openChallenge, twoFactorState } from '../auth/two-factor.js';
import { consumeUserToken, issueUserToken } from '../auth/user-tokens.js';
import type { ConsoleServices } from '../services.js';
import { linkAddress, originSchema } from '../../../core/tenancy/address.js';
import { ssoSettings } from '../auth/sso.js';
import { companyAddressView, companyBaseUrl, findTenant, requestedSlug, tenantBaseUrl, type TenantRef } from '../tenancy.js';
import { userView } from '../views.js';
import { answer, sessionSchema, tenantRefSchema, userViewSchema } from '../api/answers.js';
import { found } from '../api/checks.js';

const opened = z.object({ user: userViewSchema, csrfToken: z.string().describe('send it as X-CSRF-Token on changes') });
/** The password step: a session, or the challenge for the second step (a code, or setting one up). */
const signInAnswer = z
  .union([opened, z.object({ twoFactor: z.enum(['code', 'enrol']), challenge: z.string().describe('for POST /session/two-factor or its enrolment') })])
  .meta({ id: 'SignInAnswer' });
const signUpAnswer = opened
  .extend({ tenant: tenantRefSchema, url: z.string().describe("where the company's people sign in from now on") })
  .meta({ id: 'SignUpAnswer' });
const signUpState = z.object({ open: z.boolean(), publicUrl: z.string().nullable().describe('PUBLIC_URL, when the operator set it') });
const signedOut = z.object({ signedOut: z.literal(true), logoutUrl: z.string().nullable().describe('the company’s logout page, after a single sign-on') });
const activated = z.object({ activated: z.literal(true), user: userViewSchema });
const sessionState = z.object({ company: z.boolean(), singleSignOn: z.boolean(), session: sessionSchema.nullable() });

const email = z
  .email()
  .max(320)
  .transform((value) => value.toLowerCase());

const signUpBody = z.object({
  companyName: z.string().trim().min(1).max(200),
  slug: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'lowercase letters, digits and -, 2 to 63 characters')
    .refine((s) => s !== 'www', 'www is reserved'),
  name: z.string().trim().min(1).max(200),
  email,
  password: passwordSchema,
  /** The address the admin opened the console at, as the page reports it and the admin confirmed. */
  publicUrl: originSchema.optional(),
});

async function sessionAnswer(ctx: Context, tenantId: string, userId: string, csrfToken: string): Promise<z.infer<typeof opened>> {
  const user = await userView(ctx.database.db, tenantId, userId);
  // The sign-in check found the user a moment ago; gone since means signed out.
  if (!user) throw new UnauthorizedError();
  return { user, csrfToken };
}

/** Whether a new company may be made now, by the SIGNUP setting (`first`: only while there is none). */
async function signUpOpen(db: Db, mode: 'first' | 'open' | 'closed'): Promise<boolean> {
  if (mode !== 'first') return mode === 'open';
  const any = await db.selectFrom('tenants').select('id').limit(1).executeTakeFirst();
  return !any;
}

async function fullSession(ctx: Context, tenant: TenantRef, auth: Auth): Promise<z.infer<typeof sessionSchema>> {
  const { user, csrfToken } = await sessionAnswer(ctx, tenant.id, auth.principal.userId, auth.csrfToken ?? '');
  return {
    user,
    csrfToken,
    tenant,
    permissions: [...auth.principal.permissions].sort(),
    via: auth.via,
    twoFactor: await twoFactorState(ctx.database.db, tenant.id, auth.principal.userId),
    address: await companyAddressView(ctx.database.db, ctx.config, tenant.id),
  };
}

const SIGN_UP_CLOSED = 'sign-up is closed on this installation: ask an admin of your company for an invitation';

export function authRoutes(services: ConsoleServices): AnyRoute[] {
  return [
    publicRoute({
      method: 'get',
      path: '/signup',
      tag: 'account',
      summary:
        'Whether a new company can be created here (SIGNUP: first, open or closed), and PUBLIC_URL when the operator set it (then links use it, not an address from the page)',
      tenant: false,
      responds: signUpState,
      handler: async ({ c, ctx }) =>
        answer(c, signUpState, {
          open: await signUpOpen(ctx.database.db, ctx.config.console.signUp),
          publicUrl: ctx.config.publicUrlSet ? ctx.config.publicUrl : null,
        }),
    }),
    publicRoute({
      method: 'post',
      path: '/signup',
      tag: 'account',
      summary: 'Create a company and its first admin, and sign the admin in',
      tenant: false,
      body: signUpBody,
      example: {
        companyName: 'Acme',
        slug: 'acme-example',
        name: 'Ada',
        email: 'ada@example.com',
        password: 'correct horse battery',
        publicUrl: 'https://support.example.com',
      },
      responds: signUpAnswer,
      handler: async ({ c, ctx, body }) => {
        const db = ctx.database.db;
        const mode = ctx.config.console.signUp;
        if (!(await signUpOpen(db, mode))) throw new ForbiddenError(SIGN_UP_CLOSED);
        const passwordHash = await hashPassword(body.password);
        const created = await db.transaction().execute(async (trx) => {
          if (mode === 'first') {
            // Two first sign-ups at once: the lock makes the second see the first's company.
            await sql`SELECT pg_advisory_xact_lock(hashtext('switchboard:signup'))`.execute(trx);
            if (!(await signUpOpen(trx, mode))) throw new ForbiddenError(SIGN_UP_CLOSED);
          }
          const taken = await trx.selectFrom('tenants').select('id').where('slug', '=', body.slug).executeTakeFirst();
          if (taken) throw new ConflictError('that address is taken');
          const tenant = await trx
            .insertInto('tenants')
            .values({ slug: body.slug, name: body.companyName, public_url: body.publicUrl ?? null })
            .returning(['id', 'slug', 'name'])
            .executeTakeFirstOrThrow();
          const roles = await trx
            .insertInto('roles')
            .values([
              { tenant_id: tenant.id, name: 'admin', builtin: true },
              { tenant_id: tenant.id, name: 'agent', builtin: true },
            ])
            .returning(['id', 'name'])
            .execute();
          await trx.insertInto('groups').values({ tenant_id: tenant.id, name: 'Support' }).execute();
          const user = await trx
            .insertInto('users')
            .values({
              tenant_id: tenant.id,
              email: body.email,
              name: body.name,
              password_hash: passwordHash,
              role_id: roles.find((r) => r.name === 'admin')!.id,
              account_status: 'active',
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          return { tenant, userId: user.id };
        });
        const session = await createSession(db, ctx.config, { tenantId: created.tenant.id, userId: created.userId, via: 'password' });
        setSessionCookie(c, ctx.config, session.token);
        return answer(
          c,
          signUpAnswer,
          {
            tenant: created.tenant,
            url: tenantBaseUrl(ctx.config, linkAddress(ctx.config, body.publicUrl), created.tenant.slug),
            ...(await sessionAnswer(ctx, created.tenant.id, created.userId, session.csrfToken)),
          },
          201,
        );
      },
    }),

    publicRoute({
      method: 'post',
      path: '/session',
      tag: 'account',
      summary:
        'Sign in with e-mail and password (failures from one address slow that address down). With two-factor sign-in on (or required) it answers {twoFactor, challenge} for the next step instead of a session',
      body: z.object({ email, password: z.string().min(1).max(200) }),
      example: { email: 'nobody@example.com', password: 'not the password' },
      responds: signInAnswer,
      handler: async ({ c, ctx, tenant, body }) => {
        const db = ctx.database.db;
        const attempt = { tenantId: tenant.id, account: `password:${body.email}`, ip: clientAddress(c, ctx.config) };
        await claimSignInAttempt(db, ctx.config, attempt);
        const user = await db
          .selectFrom('users')
          .select(['id', 'password_hash', 'account_status'])
          .where('tenant_id', '=', tenant.id)
          .where((eb) => eb(eb.fn('lower', ['email']), '=', body.email))
          .executeTakeFirst();
        const valid = await verifyPassword(user?.password_hash, body.password);
        if (!user || !valid || user.account_status !== 'active') {
          await forgetOldSignInDelays(db, ctx.config);
          throw new UnauthorizedError('wrong e-mail or password');
        }
        await releaseSignInAttempt(db, attempt);
        // Single sign-on never comes here: a company's identity provider asks for its own second factor.
        const twoFactor = await twoFactorState(db, tenant.id, user.id);
        if (twoFactor.enabled || twoFactor.required) {
          const next = twoFactor.enabled ? 'code' : 'enrol';
          return answer(c, signInAnswer, { twoFactor: next, challenge: await openChallenge(db, { tenantId: tenant.id, userId: user.id, kind: next }) });
        }
        const session = await createSession(db, ctx.config, { tenantId: tenant.id, userId: user.id, via: 'password' });
        setSessionCookie(c, ctx.config, session.token);
        await applySignInStatus(ctx, tenant.id, user.id);
        return answer(c, signInAnswer, await sessionAnswer(ctx, tenant.id, user.id, session.csrfToken));
      },
    }),

    route({
      method: 'get',
      path: '/session',
      tag: 'account',
      summary: 'The signed-in user, their permissions and the CSRF token to send on changes',
      access: { signedIn: true },
      responds: sessionSchema,
      handler: async ({ c, ctx, tenant, auth }) => answer(c, sessionSchema, await fullSession(ctx, tenant, auth)),
    }),

    publicRoute({
      method: 'get',
      path: '/session/state',
      tag: 'account',
      summary:
        'What a page needs before sign-in, always 200: whether the address names a company, whether it signs in through its own site, and the session when there is one',
      tenant: false,
      responds: sessionState,
      handler: async ({ c, ctx }) => {
        // The sign-in pages ask this instead of GET /session and /sso/start, whose 401 and 404
        // are answers here but errors in every browser's console.
        const slug = requestedSlug(c, ctx.config.baseHost);
        const tenant = slug ? await findTenant(ctx.database.db, slug) : undefined;
        if (!tenant) return answer(c, sessionState, { company: false, singleSignOn: false, session: null });
        const auth = await authenticate(c, ctx, tenant);
        const sso = await ssoSettings(ctx.database.db, tenant.id);
        return answer(c, sessionState, {
          company: true,
          singleSignOn: Boolean(sso?.enabled && sso.secret),
          session: auth?.via === 'session' ? await fullSession(ctx, tenant, auth) : null,
        });
      },
    }),

    route({
      method: 'delete',
      path: '/session',
      tag: 'account',
      summary: 'Sign out; answers the company logout URL to visit when single sign-on signed the user in',
      access: { signedIn: true },
      responds: signedOut,
      handler: async ({ c, ctx, tenant, auth }) => {
        const db = ctx.database.db;
        if (auth.sessionId) await deleteSession(db, auth.sessionId);
        clearSessionCookie(c, ctx.config);
        let logoutUrl: string | null = null;
        if (auth.sessionVia === 'sso') {
          const sso = await db.selectFrom('sso_settings').select(['logout_url', 'enabled']).where('tenant_id', '=', tenant.id).executeTakeFirst();
          if (sso?.enabled) logoutUrl = sso.logout_url;
        }
        return answer(c, signedOut, { signedOut: true, logoutUrl });
      },
    }),

    publicRoute({
      method: 'post',
      path: '/activation',
      tag: 'account',
      summary: 'Activate an invited account with the token from its e-mail, setting its password',
      body: z.object({ token: z.string().min(10).max(200), password: passwordSchema }),
      example: { token: 'not-a-real-token-at-all', password: 'correct horse battery' },
      responds: activated,
      handler: async ({ c, ctx, tenant, body }) => {
        const db = ctx.database.db;
        const passwordHash = await hashPassword(body.password);
        const userId = await db.transaction().execute(async (trx) => {
          const id = await consumeUserToken(trx, tenant.id, body.token, 'activation');
          await trx
            .updateTable('users')
            .set({ password_hash: passwordHash, account_status: 'active' })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', id)
            .where('account_status', '=', 'invited')
            .execute();
          return id;
        });
        return answer(c, activated, { activated: true, user: found(await userView(db, tenant.id, userId), 'user') });
      },
    }),

    publicRoute({
      method: 'post',
      path: '/password-reset',
      tag: 'account',
      summary: 'Send a password-reset link; answers the same whether or not the account exists',
      body: z.object({ email }),
      example: { email: 'nobody@example.com' },
      responds: z.object({ accepted: z.literal(true) }),
      handler: async ({ c, ctx, tenant, body }) => {
        const db = ctx.database.db;
        const user = await db
          .selectFrom('users')
          .select(['id', 'email', 'name'])
          .where('tenant_id', '=', tenant.id)
          .where((eb) => eb(eb.fn('lower', ['email']), '=', body.email))
          .where('account_status', '=', 'active')
          .executeTakeFirst();
        if (user) {
          const token = await issueUserToken(db, tenant.id, user.id, 'reset');
          const link = `${await companyBaseUrl(db, ctx.config, tenant)}/reset-password?token=${encodeURIComponent(token)}`;
          await services.mailer
            .send({
              to: user.email,
              subject: `Reset your ${tenant.name} password`,
              text: `Hello ${user.name},\n\nto choose a new password, open this link within an hour:\n\n${link}\n\nIf you did not ask for this, ignore this mail.\n`,
            })
            .catch((error: unknown) => ctx.logger.error({ err: error instanceof Error ? error.message : String(error) }, 'reset mail failed'));
        }
        return answer(c, z.object({ accepted: z.literal(true) }), { accepted: true }, 202);
      },
    }),

    publicRoute({
      method: 'post',
      path: '/password-reset/confirm',
      tag: 'account',
      summary: 'Set a new password with the token from the reset e-mail; signs the user out everywhere',
      body: z.object({ token: z.string().min(10).max(200), password: passwordSchema }),
      example: { token: 'not-a-real-token-at-all', password: 'correct horse battery' },
      responds: z.object({ reset: z.literal(true) }),
      handler: async ({ c, ctx, tenant, body }) => {
        const db = ctx.database.db;
        const passwordHash = await hashPassword(body.password);
        const userId = await db.transaction().execute(async (trx) => {
          const id = await consumeUserToken(trx, tenant.id, body.token, 'reset');
          await trx.updateTable('users').set({ password_hash: passwordHash }).where('tenant_id', '=', tenant.id).where('id', '=', id).execute();
          return id;
        });
        await deleteUserSessions(db, tenant.id, userId);
        return answer(c, z.object({ reset: z.literal(true) }), { reset: true });
      },
    }),
  ];
}
