import type { Context as HonoContext } from 'hono';
import type { Config } from '../../core/config/config.js';
import type { Db } from '../../core/db/database.js';
import { slugOfHost } from '../../core/tenancy/host.js';

export interface TenantRef {
  id: string;
  slug: string;
  name: string;
}

export const TENANT_HEADER = 'x-switchboard-tenant';
const SLUG = /^[a-z0-9][a-z0-9-]{1,62}$/;

/**
 * Which company a request is for: the path form `/t/<slug>/api/...`, then the subdomain
 * `<slug>.<BASE_HOST>` (never `www`), then the `X-Switchboard-Tenant` header for local
 * development. Only selects: every session and token is bound to its own company, so naming
 * another company gets nobody in.
 */
export function requestedSlug(c: HonoContext, baseHost: string | undefined): string | undefined {
  const fromPath = c.req.param('tenant');
  if (fromPath) return fromPath.toLowerCase();
  const fromHost = slugOfHost(c.req.header('host'), baseHost);
  if (fromHost) return fromHost;
  return c.req.header(TENANT_HEADER)?.trim().toLowerCase() || undefined;
}

export async function findTenant(db: Db, slug: string): Promise<TenantRef | undefined> {
  if (!SLUG.test(slug) || slug === 'www') return undefined;
  return db.selectFrom('tenants').select(['id', 'slug', 'name']).where('slug', '=', slug).executeTakeFirst();
}

/** The address a company's people use, for links in e-mails. */
export function tenantBaseUrl(config: Pick<Config, 'publicUrl' | 'baseHost'>, slug: string): string {
  if (config.baseHost) {
    const url = new URL(config.publicUrl);
    return `${url.protocol}//${slug}.${config.baseHost}${url.port && !config.baseHost.includes(':') ? `:${url.port}` : ''}`;
  }
  return `${config.publicUrl}/t/${slug}`;
}
