import { sql } from 'kysely';
import { openSecret, sealSecret } from '../crypto/secrets.js';
import type { Db } from '../db/database.js';

/** A token is replaced this long before the provider says it expires, so no call runs into the edge. */
export const REFRESH_AHEAD_MS = 5 * 60 * 1000;

/** A provider's answer to a token request. */
export interface FreshToken {
  token: string;
  expiresInSeconds: number;
}

/**
 * Asks the provider for a new token; `force` when the last one was refused before its time
 * (WeChat's stable_token then hands out a new one instead of the same).
 */
export type TokenRequest = (force: boolean) => Promise<FreshToken>;

const sealedFor = (channel: { id: string; tenantId: string }) => `wechat-token:${channel.tenantId}:${channel.id}`;

/**
 * A channel's provider access token (WeChat, WeCom), one for the whole cluster: kept sealed in
 * one row per channel. Only when it is missing, near its end, or `refused` by the provider does
 * one process — the one holding the channel's lock — ask for a new one; the others wait for the
 * lock and then read what it stored. Given the token the provider just refused, it is replaced
 * only if nobody replaced it meanwhile (many calls failing at once make one request).
 */
export async function channelAccessToken(
  db: Db,
  secretKey: Buffer,
  channel: { id: string; tenantId: string },
  request: TokenRequest,
  refused?: string,
): Promise<string> {
  const read = (from: Pick<Db, 'selectFrom'>) =>
    from
      .selectFrom('wechat_access_tokens')
      .select(['sealed_token', 'expires_at'])
      .where('channel_id', '=', channel.id)
      .where('tenant_id', '=', channel.tenantId)
      .executeTakeFirst();
  const fresh = (row: { expires_at: Date }) => row.expires_at.getTime() - REFRESH_AHEAD_MS > Date.now();
  if (refused === undefined) {
    const row = await read(db);
    if (row && fresh(row)) return openSecret(secretKey, row.sealed_token, sealedFor(channel));
  }
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`switchboard.wechat-token:${channel.id}`}, 0))`.execute(trx);
    const row = await read(trx);
    if (row && fresh(row)) {
      const current = openSecret(secretKey, row.sealed_token, sealedFor(channel));
      if (current !== refused) return current;
    }
    const { token, expiresInSeconds } = await request(refused !== undefined);
    const values = {
      sealed_token: sealSecret(secretKey, token, sealedFor(channel)),
      expires_at: new Date(Date.now() + expiresInSeconds * 1000),
      refreshed_at: new Date(),
    };
    await trx
      .insertInto('wechat_access_tokens')
      .values({ channel_id: channel.id, tenant_id: channel.tenantId, ...values })
      .onConflict((oc) => oc.column('channel_id').doUpdateSet({ ...values, refresh_count: sql`wechat_access_tokens.refresh_count + 1` }))
      .execute();
    return token;
  });
}
