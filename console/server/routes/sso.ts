import { z } from 'zod';
import { sealSecret } from '../../../core/crypto/secrets.js';
import { ValidationError } from '../../../core/errors.js';
import { publicRoute, route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { answer } from '../api/answers.js';
import { assertHoldsWhatEveryoneHolds } from '../auth/grants.js';
import { clearSessionCookie, deleteUserSessions } from '../auth/sessions.js';
import { enabledSso, safeReturnPath, ssoSecretAad, ssoSettings, startSsoSession, verifySsoToken } from '../auth/sso.js';
import { companyBaseUrl, tenantBaseUrl } from '../tenancy.js';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);
/** Single sign-on settings; secrets show only whether they are stored. */
const ssoViewSchema = z
  .object({
    enabled: z.boolean(),
    loginUrl: z.string().nullable(),
    logoutUrl: z.string().nullable(),
    secretSet: z.boolean(),
    signInEndpoint: z.string().describe('where the company’s site sends the browser with its token'),
    signOutEndpoint: z.string(),
    oidc: z.object({
      enabled: z.boolean(),
      issuer: z.string().nullable(),
      clientId: z.string().nullable(),
      clientSecretSet: z.boolean(),
      redirectUri: z.string(),
    }),
  })
  .meta({ id: 'SsoView' });
const ssoSaved = z.object({ enabled: z.boolean(), loginUrl: z.string().nullable(), logoutUrl: z.string().nullable(), secretSet: z.boolean() });
const tokenQuery = z.object({ token: z.string().min(10).max(8000), return_to: z.string().max(2000).optional() });

/**
 * Single sign-on with the company's own site: it signs a short-lived HS256 token with the shared
 * secret and sends the browser to `/api/sso/login?token=…`; when the user logs out there, it
 * calls `/api/sso/logout?token=…` and every session of that user ends here too.
 */
export function ssoRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/sso',
      tag: 'single sign-on',
      summary: 'Single sign-on settings (the shared secret is never shown)',
      access: { permission: 'admin.sso' },
      responds: ssoViewSchema,
      handler: async ({ c, ctx, tenant }) => {
        const s = await ssoSettings(ctx.database.db, tenant.id);
        const base = await companyBaseUrl(ctx.database.db, ctx.config, tenant);
        return answer(c, ssoViewSchema, {
          enabled: s?.enabled ?? false,
          loginUrl: s?.login_url ?? null,
          logoutUrl: s?.logout_url ?? null,
          secretSet: Boolean(s?.secret),
          signInEndpoint: `${base}/api/sso/login`,
          signOutEndpoint: `${base}/api/sso/logout`,
          oidc: {
            enabled: s?.oidc_enabled ?? false,
            issuer: s?.oidc_issuer ?? null,
            clientId: s?.oidc_client_id ?? null,
            clientSecretSet: Boolean(s?.oidc_client_secret),
            redirectUri: `${base}/api/sso/oidc/callback`,
          },
        });
      },
    }),
    route({
      method: 'put',
      path: '/sso',
      tag: 'single sign-on',
      summary: 'Set the login URL, logout URL and shared secret (write-only; at least 32 characters)',
      access: { permission: 'admin.sso' },
      body: z.object({
        enabled: z.boolean(),
        loginUrl: httpUrl.nullable(),
        logoutUrl: httpUrl.nullable(),
        secret: z.string().min(32, 'at least 32 characters').max(512).optional(),
      }),
      example: { enabled: false, loginUrl: null, logoutUrl: null },
      responds: ssoSaved,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await assertHoldsWhatEveryoneHolds(db, auth.principal);
        const current = await ssoSettings(db, tenant.id);
        if (body.enabled && !body.secret && !current?.secret)
          throw new ValidationError('a shared secret is needed', [{ field: 'secret', message: 'required to enable single sign-on' }]);
        if (body.enabled && !body.loginUrl)
          throw new ValidationError('a login URL is needed', [{ field: 'loginUrl', message: 'required to enable single sign-on' }]);
        const secret = body.secret ? sealSecret(ctx.config.secretKey, body.secret, ssoSecretAad(tenant.id)) : (current?.secret ?? null);
        await db.transaction().execute(async (trx) => {
          const values = { enabled: body.enabled, login_url: body.loginUrl, logout_url: body.logoutUrl, secret, updated_at: new Date() };
          await trx
            .insertInto('sso_settings')
            .values({ tenant_id: tenant.id, ...values })
            .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
            .execute();
          await audit(
            trx,
            auth,
            'sso.updated',
            { type: 'sso' },
            { enabled: body.enabled, loginUrl: body.loginUrl, logoutUrl: body.logoutUrl, secretChanged: Boolean(body.secret) },
          );
        });
        return answer(c, ssoSaved, { enabled: body.enabled, loginUrl: body.loginUrl, logoutUrl: body.logoutUrl, secretSet: Boolean(secret) });
      },
    }),
    publicRoute({
      method: 'get',
      path: '/sso/start',
      tag: 'single sign-on',
      summary: "Send the browser to the company's login page",
      query: z.object({ return_to: z.string().max(2000).optional() }),
      responds: '302 redirect',
      handler: async ({ c, ctx, tenant, query }) => {
        const sso = await enabledSso(ctx.database.db, tenant.id);
        const target = new URL(sso.login_url!);
        target.searchParams.set('return_to', `${await companyBaseUrl(ctx.database.db, ctx.config, tenant)}${safeReturnPath(query.return_to, '/')}`);
        return c.redirect(target.toString(), 302);
      },
    }),
    publicRoute({
      method: 'get',
      path: '/sso/login',
      tag: 'single sign-on',
      summary: "Sign in with a token signed by the company's site (HS256, exp, iat, one-time jti, email)",
      query: tokenQuery,
      responds: '302 redirect, with the session cookie set',
      handler: async ({ c, ctx, tenant, query }) => {
        const db = ctx.database.db;
        const sso = await enabledSso(db, tenant.id);
        const { email } = await verifySsoToken(db, ctx.config, tenant.id, sso.secret, query.token);
        await startSsoSession(ctx, c, tenant.id, email);
        const landing = new URL(tenantBaseUrl(ctx.config, ctx.config.publicUrl, tenant.slug));
        return c.redirect(`${landing.pathname.replace(/\/$/, '')}${safeReturnPath(query.return_to, '/')}`, 302);
      },
    }),
    publicRoute({
      method: 'get',
      path: '/sso/logout',
      tag: 'single sign-on',
      summary: "Sign a user out of every session, called by the company's site when the user logs out there",
      query: tokenQuery,
      responds: z.object({ signedOut: z.literal(true), sessions: z.number().describe('how many sessions ended') }),
      handler: async ({ c, ctx, tenant, query }) => {
        const db = ctx.database.db;
        const sso = await enabledSso(db, tenant.id);
        const { email } = await verifySsoToken(db, ctx.config, tenant.id, sso.secret, query.token);
        const user = await db
          .selectFrom('users')
          .select('id')
          .where('tenant_id', '=', tenant.id)
          .where((eb) => eb(eb.fn('lower', ['email']), '=', email))
          .executeTakeFirst();
        const ended = user ? await deleteUserSessions(db, tenant.id, user.id) : 0;
        clearSessionCookie(c, ctx.config);
        return c.json({ signedOut: true, sessions: ended });
      },
    }),
  ];
}
