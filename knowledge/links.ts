import type { Config } from '../core/config/config.js';
import type { Db } from '../core/db/database.js';
import { companyLinkAddress } from '../core/tenancy/address.js';

type AddressConfig = Pick<Config, 'publicUrl' | 'publicUrlSet'>;

/** The company's help center, at the address its links are built from (never the request's Host). */
export async function helpCenterUrl(db: Db, config: AddressConfig, tenant: { id: string; slug: string }): Promise<string> {
  return `${await companyLinkAddress(db, config, tenant.id)}/help/${encodeURIComponent(tenant.slug)}`;
}

/** Where a customer reads one article. */
export async function articleUrl(db: Db, config: AddressConfig, tenant: { id: string; slug: string }, articleId: string): Promise<string> {
  return `${await helpCenterUrl(db, config, tenant)}/articles/${articleId}`;
}
