import type { Context as HonoContext } from 'hono';
import type { Config } from '../../core/config/config.js';
import type { Db } from '../../core/db/database.js';
import { companyLinkAddress, linkAddress } from '../../core/tenancy/address.js';
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

/** The address a company's people use, for links in e-mails, from the address links are built from. */
export function tenantBaseUrl(config: Pick<Config, 'baseHost'>, address: string, slug: string): string {
  if (config.baseHost) {
    const url = new URL(address);
    return `${url.protocol}//${slug}.${config.baseHost}${url.port && !config.baseHost.includes(':') ? `:${url.port}` : ''}`;
  }
  return `${address}/t/${slug}`;
}

/** The same for a stored company: its recorded address unless the operator set PUBLIC_URL. */
export async function companyBaseUrl(
  db: Db,
  config: Pick<Config, 'publicUrl' | 'publicUrlSet' | 'baseHost'>,
  tenant: Pick<TenantRef, 'id' | 'slug'>,
): Promise<string> {
  return tenantBaseUrl(config, await companyLinkAddress(db, config, tenant.id), tenant.slug);
}

/** Where a company's links point and who decided it: the operator (PUBLIC_URL), the company, or nobody yet. */
export async function companyAddressView(db: Db, config: Pick<Config, 'publicUrl' | 'publicUrlSet'>, tenantId: string) {
  const row = await db.selectFrom('tenants').select('public_url').where('id', '=', tenantId).executeTakeFirst();
  const setBy: 'operator' | 'company' | 'default' = config.publicUrlSet ? 'operator' : row?.public_url ? 'company' : 'default';
  return { url: linkAddress(config, row?.public_url), setBy, recorded: row?.public_url ?? null };
}
