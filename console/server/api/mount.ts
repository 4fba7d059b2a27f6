import { Hono, type Context as HonoContext } from 'hono';
import type { Context } from '../../../core/context.js';
import { can } from '../../../core/auth/permissions.js';
import { assertStorable } from '../../../core/domain/storable-text.js';
import { ForbiddenError, NotFoundError, UnauthorizedError, ValidationError } from '../../../core/errors.js';
import { readBody, refuseDeclaredOversize } from '../../../core/http/body.js';
import { checkQuery, parseJsonBody } from '../../../core/http/strict-input.js';
import { authenticate } from '../auth/authenticate.js';
import { sameToken } from '../auth/tokens.js';
import { findTenant, requestedSlug, type TenantRef } from '../tenancy.js';
import type { AnyRoute, Auth } from './route.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** A JSON body's limit unless its route declares another (`maxBodyBytes`). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * Turns the route table into a Hono app. Every route goes through the same steps, in order:
 * refuse a declared body past the route's limit (413, nothing read), find the company (unknown
 * → 404), find the caller, check access (401, 403), check the CSRF token of a browser session on
 * a mutation (403), validate params, query and body (400 naming the field; text PostgreSQL
 * cannot store is refused there too), and only then run the handler. The body is read only
 * then, counted as it streams, so an unauthenticated caller's body is never read at all.
 */
export function apiApp(ctx: Context, routes: AnyRoute[]): Hono {
  const app = new Hono();
  for (const spec of routes) {
    const maxBodyBytes = spec.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    app.on(spec.method.toUpperCase(), spec.path, async (c) => {
      refuseDeclaredOversize(c, maxBodyBytes);
      let tenant: TenantRef | undefined;
      let auth: Auth | undefined;
      if (spec.tenant !== false) {
        const slug = requestedSlug(c, ctx.config.baseHost);
        tenant = slug ? await findTenant(ctx.database.db, slug) : undefined;
        if (!tenant) throw new NotFoundError('company');
        auth = await authenticate(c, ctx, tenant);
      }
      checkAccess(spec, auth);
      if (auth?.via === 'session' && !SAFE_METHODS.has(c.req.method)) {
        const sent = c.req.header(CSRF_HEADER);
        if (!sent || !auth.csrfToken || !sameToken(sent, auth.csrfToken)) throw new ForbiddenError('missing or wrong CSRF token');
      }
      const rawParams = c.req.param();
      assertStorable(rawParams);
      checkQuery(c.req.url);
      const params = spec.params ? spec.params.parse(rawParams) : undefined;
      const query = spec.query ? spec.query.parse(c.req.query()) : undefined;
      const body = spec.body ? spec.body.parse(await jsonBody(c, maxBodyBytes)) : undefined;
      return spec.handler({ c, ctx, tenant: tenant!, auth, params, query, body });
    });
  }
  return app;
}

function checkAccess(spec: AnyRoute, auth: Auth | undefined): void {
  const access = spec.access;
  if ('public' in access) return;
  if (!auth) throw new UnauthorizedError();
  if ('permission' in access && !can(auth.principal, access.permission)) throw new ForbiddenError(`requires ${access.permission}`);
  if ('anyOf' in access && !access.anyOf.some((p) => can(auth.principal, p))) throw new ForbiddenError(`requires one of ${access.anyOf.join(', ')}`);
}

async function jsonBody(c: HonoContext, maxBytes: number): Promise<unknown> {
  const type = c.req.header('content-type') ?? '';
  // Only JSON: a cross-site HTML form cannot send it without the browser asking first.
  if (!/^application\/json\b/i.test(type))
    throw new ValidationError('the body must be JSON', [{ field: 'body', message: 'Content-Type must be application/json' }]);
  return parseJsonBody(await readBody(c, maxBytes)) ?? {};
}
