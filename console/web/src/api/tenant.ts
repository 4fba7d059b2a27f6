/**
 * Where the app runs for a company. On the company's subdomain (acme.example.com) the server knows
 * the tenant from the host and paths are plain; in the path form (/t/acme/…) used for local
 * development every page and API path carries the prefix.
 */
export interface TenantLocation {
  /** The tenant's slug when the path names it; undefined when the host does. */
  slug: string | undefined;
  /** Prefix of every page and API path: '' or '/t/<slug>'. */
  basePath: string;
}

const pathForm = /^\/t\/([a-z0-9][a-z0-9-]{0,62})(?=\/|$)/;

export function tenantLocation(pathname: string): TenantLocation {
  const match = pathForm.exec(pathname);
  return match ? { slug: match[1], basePath: match[0] } : { slug: undefined, basePath: '' };
}
