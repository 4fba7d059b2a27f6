import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { WechatOaConfig } from './connector.js';
import { errorForErrcode, failureOf, readJson, wechatFetch } from './api.js';

/**
 * The channel's access token, shared by every process of the cluster (ctx.platform.accessToken):
 * only when it is missing or near its end does one process fetch a new one.
 */
export function accessToken(ctx: ChannelContext<WechatOaConfig>): Promise<string> {
  return tokenFor(ctx);
}

/**
 * Replaces the token WeChat just refused, unless somebody replaced it meanwhile (many sends
 * failing at once make one refresh).
 */
export function refreshAccessToken(ctx: ChannelContext<WechatOaConfig>, refused?: string): Promise<string> {
  return tokenFor(ctx, refused);
}

async function tokenFor(ctx: ChannelContext<WechatOaConfig>, refused?: string): Promise<string> {
  let fetched: { expiresInSeconds: number } | undefined;
  const token = await ctx.platform.accessToken(async (force) => (fetched = await fetchToken(ctx, force)), refused);
  if (fetched) ctx.logger.info({ expiresInSeconds: fetched.expiresInSeconds, forced: refused !== undefined }, 'WeChat access token refreshed');
  return token;
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
