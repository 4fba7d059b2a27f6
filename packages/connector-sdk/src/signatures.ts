import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of `<timestamp>.<body>`, as `sha256=<hex>`: the scheme app-api webhooks use both ways. */
export function signPayload(secret: string, timestamp: string, body: Buffer | string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

/** Compares in constant time; false for anything of another length or shape. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

/**
 * Checks a signed request: the timestamp (unix seconds) must be within `windowSeconds` of now,
 * so a captured request cannot be replayed later, and the signature must match.
 */
export function checkSignature(
  secret: string,
  timestamp: string | undefined,
  signature: string | undefined,
  body: Buffer,
  windowSeconds: number,
  now = Date.now(),
): SignatureCheck {
  if (!timestamp || !signature) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'stale';
  if (Math.abs(now / 1000 - Number(timestamp)) > windowSeconds) return 'stale';
  return safeEqual(signPayload(secret, timestamp, body), signature) ? 'ok' : 'mismatch';
}

/** An HMAC-SHA256 hex digest of a value, for identity checks (the web chat's user hash). */
export function hmacHex(secret: string | Buffer, value: string): string {
  return createHmac('sha256', secret).update(value).digest('hex');
}
