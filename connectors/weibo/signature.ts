import { createHash } from 'node:crypto';
import { safeEqual } from '../../core/connector/signatures.js';

/**
 * Weibo's push signature: hex SHA-1 of the app secret, the timestamp and the nonce, sorted as
 * strings and joined. It covers no body, so freshness of the timestamp is checked too.
 */
export function weiboSignature(appSecret: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([appSecret, timestamp, nonce].sort().join('')).digest('hex');
}

export type WeiboSignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

export function checkWeiboSignature(appSecret: string, query: Record<string, string>, maxAgeSeconds: number, now = Date.now()): WeiboSignatureCheck {
  const { signature, timestamp, nonce } = query;
  if (!signature || !timestamp || !nonce) return 'missing';
  if (!/^\d{1,13}$/.test(timestamp) || nonce.length > 64) return 'mismatch';
  if (!safeEqual(weiboSignature(appSecret, timestamp, nonce), signature.toLowerCase())) return 'mismatch';
  if (maxAgeSeconds > 0) {
    // Weibo's timestamps are milliseconds (13 digits); accept seconds as well.
    const ms = timestamp.length >= 13 ? Number(timestamp) : Number(timestamp) * 1000;
    if (Math.abs(now - ms) > maxAgeSeconds * 1000) return 'stale';
  }
  return 'ok';
}
