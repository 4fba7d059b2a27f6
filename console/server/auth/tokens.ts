import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A random token for cookies, links and API keys: 32 bytes, base64url. */
export const randomToken = (prefix = '') => prefix + randomBytes(32).toString('base64url');

/** Tokens are stored only as their SHA-256: whoever reads the database cannot use them. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function sameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
