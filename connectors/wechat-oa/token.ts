import { sql } from 'kysely';
import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { openSecret, sealSecret } from '../../core/crypto/secrets.js';
import type { WechatOaConfig } from './connector.js';
import { errorForErrcode, failureOf, readJson, wechatFetch } from './api.js';

/** A token is replaced this long before WeChat says it expires, so no call runs into the edge. */
export const REFRESH_AHEAD_MS = 5 * 60 * 1000;

const sealedFor = (ctx: ChannelContext<WechatOaConfig>) => `wechat-token:${ctx.channel.tenantId}:${ctx.channel.id}`;

/**
 * The channel's access token, shared by every process of the cluster through one row. Only
 * when it is missing or near its end does one process — the one holding the channel's lock —
 * fetch a new one; the others wait for the lock and then read what it stored.
 */
export async function accessToken(ctx: ChannelContext<WechatOaConfig>): Promise<string> {
  const row = await ctx.db
    .selectFrom('wechat_access_tokens')
    .select(['sealed_token', 'expires_at'])
    .where('channel_id', '=', ctx.channel.id)
    .where('tenant_id', '=', ctx.channel.tenantId)
    .executeTakeFirst();
  if (row && row.expires_at.getTime() - REFRESH_AHEAD_MS > Date.now()) return openSecret(ctx.secretKey, row.sealed_token, sealedFor(ctx));
  return refreshAccessToken(ctx);
}

/**
 * Replaces the token under the channel's lock. Given the token WeChat just refused, it is
 * replaced only if nobody replaced it meanwhile (many sends failing at once make one refresh).
 */
export async function refreshAccessToken(ctx: ChannelContext<WechatOaConfig>, refused?: string): Promise<string> {
  return ctx.db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`switchboard.wechat-token:${ctx.channel.id}`}, 0))`.execute(trx);
    const row = await trx
      .selectFrom('wechat_access_tokens')
      .select(['sealed_token', 'expires_at'])
      .where('channel_id', '=', ctx.channel.id)
      .where('tenant_id', '=', ctx.channel.tenantId)
      .executeTakeFirst();
    if (row) {
      const current = openSecret(ctx.secretKey, row.sealed_token, sealedFor(ctx));
      const fresh = row.expires_at.getTime() - REFRESH_AHEAD_MS > Date.now();
      if (fresh && current !== refused) return current;
    }
    const { token, expiresInSeconds } = await fetchToken(ctx, refused !== undefined);
    const values = {
      sealed_token: sealSecret(ctx.secretKey, token, sealedFor(ctx)),
      expires_at: new Date(Date.now() + expiresInSeconds * 1000),
      refreshed_at: new Date(),
    };
    await trx
      .insertInto('wechat_access_tokens')
      .values({ channel_id: ctx.channel.id, tenant_id: ctx.channel.tenantId, ...values })
      .onConflict((oc) => oc.column('channel_id').doUpdateSet({ ...values, refresh_count: sql`wechat_access_tokens.refresh_count + 1` }))
      .execute();
    ctx.logger.info({ expiresInSeconds, forced: refused !== undefined }, 'WeChat access token refreshed');
    return token;
  });
}

/** Asks WeChat for a token: stable_token (preferred) or the classic token endpoint. */
async function fetchToken(ctx: ChannelContext<WechatOaConfig>, force: boolean): Promise<{ token: string; expiresInSeconds: number }> {
  const { config } = ctx;
  const what = 'the access token request';
  const response = config.useStableToken
    ? await wechatFetch(
        ctx,
        {
          method: 'POST',
          path: '/cgi-bin/stable_token',
          json: { grant_type: 'client_credential', appid: config.appId, secret: config.appSecret, force_refresh: force },
        },
        what,
      )
    : await wechatFetch(
        ctx,
        { method: 'GET', path: '/cgi-bin/token', query: { grant_type: 'client_credential', appid: config.appId, secret: config.appSecret } },
        what,
      );
  const body = await readJson(response, what);
  const failure = failureOf(body);
  if (failure) throw errorForErrcode(failure, what);
  if (typeof body.access_token !== 'string' || !body.access_token || typeof body.expires_in !== 'number') {
    throw ConnectorError.retryable('WeChat answered the access token request without a token', 'bad_answer');
  }
  return { token: body.access_token, expiresInSeconds: body.expires_in };
}
