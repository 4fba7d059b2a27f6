import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';

const hashKey = (key: string) => createHash('sha256').update(key).digest('hex');

/**
 * Issues an API key for a channel. The key is returned once; only its sha256 is kept (a key is
 * 32 random bytes, so a fast hash is enough: there is nothing to guess from).
 */
export async function issueApiKey(db: Db, tenantId: string, channelId: string): Promise<{ id: string; key: string; prefix: string }> {
  const key = `sbk_${randomBytes(32).toString('base64url')}`;
  const prefix = key.slice(0, 10);
  const row = await db
    .insertInto('channel_api_keys')
    .values({ tenant_id: tenantId, channel_id: channelId, prefix, key_hash: hashKey(key) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key, prefix };
}

/**
 * Keys found live in the last moments, so a busy integration's requests do not each cost a
 * database round trip: channel and key hash → key id, until when. Only live keys are kept (an
 * unknown key cannot grow it). A key revoked in this process is dropped at once; one revoked by
 * another process is refused there within `VERIFIED_MS`.
 */
const verified = new Map<string, { keyId: string; until: number }>();
const VERIFIED_MS = 2000;

/** Look-ups under way, by cache key: the requests that miss together share one. */
const looking = new Map<string, Promise<boolean>>();

/**
 * true when `key` is a live key of the channel. The last use is written at most once a minute:
 * a busy integration must not turn every request into a write on one row. When the cached
 * answer runs out, the requests in flight then (hundreds, under load) wait for one look-up
 * instead of each making its own, and each its own write of the last use.
 */
export async function verifyApiKey(db: Db, channelId: string, key: string): Promise<boolean> {
  if (!key.startsWith('sbk_') || key.length > 100) return false;
  const hash = hashKey(key);
  const cacheKey = `${channelId}:${hash}`;
  const hit = verified.get(cacheKey);
  if (hit && hit.until > Date.now()) return true;
  let lookup = looking.get(cacheKey);
  if (!lookup) {
    lookup = lookUpKey(db, channelId, hash, cacheKey).finally(() => looking.delete(cacheKey));
    looking.set(cacheKey, lookup);
  }
  return lookup;
}

async function lookUpKey(db: Db, channelId: string, hash: string, cacheKey: string): Promise<boolean> {
  const row = await db
    .selectFrom('channel_api_keys')
    .select(['id', 'last_used_at'])
    .where('key_hash', '=', hash)
    .where('channel_id', '=', channelId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) {
    verified.delete(cacheKey);
    return false;
  }
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await db.updateTable('channel_api_keys').set({ last_used_at: sql`now()` }).where('id', '=', row.id).execute();
  }
  if (verified.size >= 10_000) for (const [k, v] of verified) if (v.until <= Date.now()) verified.delete(k);
  verified.set(cacheKey, { keyId: row.id, until: Date.now() + VERIFIED_MS });
  return true;
}

export async function revokeApiKey(db: Db, tenantId: string, channelId: string, keyId: string): Promise<boolean> {
  const result = await db
    .updateTable('channel_api_keys')
    .set({ revoked_at: sql`now()` })
    .where('tenant_id', '=', tenantId)
    .where('channel_id', '=', channelId)
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  for (const [k, v] of verified) if (v.keyId === keyId) verified.delete(k);
  return result.numUpdatedRows > 0n;
}

export async function listApiKeys(db: Db, tenantId: string, channelId: string) {
  const rows = await db
    .selectFrom('channel_api_keys')
    .select(['id', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('tenant_id', '=', tenantId)
    .where('channel_id', '=', channelId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    prefix: r.prefix,
    createdAt: r.created_at.toISOString(),
    lastUsedAt: r.last_used_at?.toISOString() ?? null,
    revokedAt: r.revoked_at?.toISOString() ?? null,
  }));
}
