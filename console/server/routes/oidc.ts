import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { z } from 'zod';
import { openSecret, sealSecret } from '../../../core/crypto/secrets.js';
import { NotFoundError, ValidationError } from '../../../core/errors.js';
import { publicRoute, route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { answer } from '../api/answers.js';
import { assertHoldsWhatEveryoneHolds } from '../auth/grants.js';
import { discover, OIDC_COOKIE, openLoginState, redeemCode, sealLoginState } from '../auth/oidc.js';
import { safeReturnPath, ssoSettings, startSsoSession } from '../auth/sso.js';
import type { TenantRef } from '../tenancy.js';
import { companyBaseUrl, tenantBaseUrl } from '../tenancy.js';
import type { Context } from '../../../core/context.js';

const oidcAad = (tenantId: string) => `oidc:${tenantId}`;
const redirectUri = async (ctx: Context, tenant: TenantRef) => `${await companyBaseUrl(ctx.database.db, ctx.config, tenant)}/api/sso/oidc/callback`;

async function enabledOidc(ctx: Context, tenantId: string) {
  const s = await ssoSettings(ctx.database.db, tenantId);
  // Without the discovery document read at save time there is nothing to sign in with: a sign-in,
  // which anybody may start, never fetches the company's issuer itself.
  if (!s?.oidc_enabled || !s.oidc_issuer || !s.oidc_client_id || !s.oidc_client_secret || !s.oidc_discovery) throw new NotFoundError('OpenID Connect sign-in');
  return {
    issuer: s.oidc_issuer,
    clientId: s.oidc_client_id,
    clientSecret: openSecret(ctx.config.secretKey, s.oidc_client_secret, oidcAad(tenantId)),
    provider: s.oidc_discovery,
  };
}

/** OpenID Connect (authorization code flow) with the company's identity provider. */
/** OpenID Connect settings as saved; the client secret shows only whether it is stored. */
const oidcSaved = z.object({
  enabled: z.boolean(),
  issuer: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretSet: z.boolean(),
  redirectUri: z.string().describe('the address to register at the identity provider'),
});

export function oidcRoutes(): AnyRoute[] {
  return [
    route({
      method: 'put',
      path: '/sso/oidc',
      tag: 'single sign-on',
      summary: 'Set the OpenID Connect provider: issuer, client id and client secret (write-only)',
      access: { permission: 'admin.sso' },
      body: z.object({
        enabled: z.boolean(),
        issuer: z
          .url({ protocol: /^https?$/ })
          .max(2000)
          .nullable(),
        clientId: z.string().min(1).max(500).nullable(),
        clientSecret: z.string().min(1).max(2000).optional(),
      }),
      example: { enabled: false, issuer: null, clientId: null },
      responds: oidcSaved,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        await assertHoldsWhatEveryoneHolds(db, auth.principal);
        const current = await ssoSettings(db, tenant.id);
        if (body.enabled && !body.issuer) throw new ValidationError('an issuer is needed', [{ field: 'issuer', message: 'required to enable OpenID Connect' }]);
        if (body.enabled && !body.clientId)
          throw new ValidationError('a client id is needed', [{ field: 'clientId', message: 'required to enable OpenID Connect' }]);
        if (body.enabled && !body.clientSecret && !current?.oidc_client_secret)
          throw new ValidationError('a client secret is needed', [{ field: 'clientSecret', message: 'required to enable OpenID Connect' }]);
        // The client secret goes to the issuer's token endpoint: a new issuer must not receive the old one.
        if (current?.oidc_client_secret && !body.clientSecret && body.issuer !== null && body.issuer !== current.oidc_issuer) {
          throw new ValidationError('a secret must be given again when the address it is sent to changes', [
            { field: 'clientSecret', message: 'required again: issuer changed' },
          ]);
        }
        const secret = body.clientSecret ? sealSecret(ctx.config.secretKey, body.clientSecret, oidcAad(tenant.id)) : (current?.oidc_client_secret ?? null);
        // Read now, by the admin, and kept: sign-ins use this copy (a 400 naming the issuer if it cannot be read).
        const discovery = body.enabled && body.issuer ? await discover(ctx.outbound, body.issuer) : null;
        const values = {
          oidc_enabled: body.enabled,
          oidc_issuer: body.issuer,
          oidc_client_id: body.clientId,
          oidc_client_secret: secret,
          oidc_discovery: discovery ? JSON.stringify(discovery) : null,
          updated_at: new Date(),
        };
        await db.transaction().execute(async (trx) => {
          await trx
            .insertInto('sso_settings')
            .values({ tenant_id: tenant.id, login_url: null, logout_url: null, secret: null, ...values })
            .onConflict((oc) => oc.column('tenant_id').doUpdateSet(values))
            .execute();
          await audit(
            trx,
            auth,
            'sso.oidc_updated',
            { type: 'sso' },
            { enabled: body.enabled, issuer: body.issuer, clientId: body.clientId, clientSecretChanged: Boolean(body.clientSecret) },
          );
        });
        return answer(c, oidcSaved, {
          enabled: body.enabled,
          issuer: body.issuer,
          clientId: body.clientId,
          clientSecretSet: Boolean(secret),
          redirectUri: await redirectUri(ctx, tenant),
        });
      },
    }),
    publicRoute({
      method: 'get',
      path: '/sso/oidc/start',
      tag: 'single sign-on',
      summary: "Send the browser to the company's OpenID Connect provider",
      query: z.object({ return_to: z.string().max(2000).optional() }),
      responds: '302 redirect',
      handler: async ({ c, ctx, tenant, query }) => {
        const client = await enabledOidc(ctx, tenant.id);
        const provider = client.provider;
        const login = await sealLoginState(ctx.config, { tenantId: tenant.id, returnTo: safeReturnPath(query.return_to, '/') });
        setCookie(c, OIDC_COOKIE, login.cookie, { httpOnly: true, sameSite: 'Lax', secure: ctx.config.publicUrl.startsWith('https:'), path: '/', maxAge: 600 });
        const target = new URL(provider.authorization_endpoint);
        for (const [key, value] of Object.entries({
          response_type: 'code',
          client_id: client.clientId,
          redirect_uri: await redirectUri(ctx, tenant),
          scope: 'openid email profile',
          state: login.state,
          nonce: login.nonce,
        }))
          target.searchParams.set(key, value);
        return c.redirect(target.toString(), 302);
      },
    }),
    publicRoute({
      method: 'get',
      path: '/sso/oidc/callback',
      tag: 'single sign-on',
      summary: 'Where the provider sends the browser back: checks state and the ID token, then signs the user in',
      query: z.object({ code: z.string().min(1).max(4000), state: z.string().min(1).max(200) }),
      responds: '302 redirect, with the session cookie set',
      handler: async ({ c, ctx, tenant, query }) => {
        const client = await enabledOidc(ctx, tenant.id);
        const login = await openLoginState(ctx.config, getCookie(c, OIDC_COOKIE), tenant.id, query.state);
        deleteCookie(c, OIDC_COOKIE, { path: '/' });
        const { email } = await redeemCode(ctx.outbound, client.provider, { ...client, redirectUri: await redirectUri(ctx, tenant) }, query.code, login.nonce);
        await startSsoSession(ctx, c, tenant.id, email);
        const landing = new URL(tenantBaseUrl(ctx.config, ctx.config.publicUrl, tenant.slug));
        return c.redirect(`${landing.pathname.replace(/\/$/, '')}${login.returnTo}`, 302);
      },
    }),
  ];
}
