import { z } from 'zod';
import type { Config } from '../config/config.js';
import type { Db } from '../db/database.js';

/**
 * A company's address as a person types or a browser reports it: an http(s) origin, nothing
 * after the host and port, at most 200 characters. Answered without a trailing slash.
 */
export const originSchema = z
  .string()
  .trim()
  .max(200)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === value.replace(/\/$/, '') && !url.username && !url.password;
    } catch {
      return false;
    }
  }, 'must be an address like https://support.example.com (http or https, no path)')
  .transform((value) => new URL(value).origin);

export type AddressConfig = Pick<Config, 'publicUrl'> & Partial<Pick<Config, 'publicUrlSet'>>;

/**
 * The address links are built from. An operator who set PUBLIC_URL decides for every company
 * (a reverse proxy's public name is theirs to know); otherwise the company's recorded address,
 * otherwise the default `http://localhost:PORT`. Never the request's Host header.
 */
export function linkAddress(config: AddressConfig, recorded: string | null | undefined): string {
  if (config.publicUrlSet || !recorded) return config.publicUrl;
  return recorded;
}

/** The address a company's links are built from, read from its record. */
export async function companyLinkAddress(db: Db, config: AddressConfig, tenantId: string): Promise<string> {
  if (config.publicUrlSet) return config.publicUrl;
  const row = await db.selectFrom('tenants').select('public_url').where('id', '=', tenantId).executeTakeFirst();
  return linkAddress(config, row?.public_url);
}

/** Whether a link to this address only works on the machine that serves it. */
export function isLocalAddress(address: string): boolean {
  const host = new URL(address).hostname;
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\./.test(host);
}
