import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import { errorForNetwork } from '../../core/connector/errors.js';
import type { OutboundClient } from '../../core/net/outbound.js';
import type { XConfig } from './connector.js';

type Ctx = { config: XConfig; outbound: OutboundClient };

/**
 * The X API v2 client for one channel, signed with the account's OAuth 1.0a tokens. The host is
 * configuration (the library's prefix), so the same calls reach a local fake in tests.
 *
 * The library makes its own HTTPS requests, so the guarded client's address check goes in as its
 * agent's lookup; a literal IP base URL gets no lookup and is checked before (xClient). The
 * library does not follow redirects.
 */
function signedClient(ctx: Ctx): TwitterApi {
  const { config } = ctx;
  const httpAgent = new Agent({ lookup: ctx.outbound.lookup, ...(config.caCertificate ? { ca: [...rootCertificates, config.caCertificate] } : {}) });
  return new TwitterApi(
    { appKey: config.consumerKey, appSecret: config.consumerSecret, accessToken: config.accessToken, accessSecret: config.accessTokenSecret },
    { httpAgent },
  );
}

export function xClient(ctx: Ctx): TwitterApiv2 {
  const { config } = ctx;
  try {
    ctx.outbound.checkUrl(config.apiBaseUrl);
  } catch (error) {
    throw errorForNetwork(error, 'X');
  }
  const client = signedClient(ctx).v2;
  // setPrefix is public at run time, protected in the typings.
  (client as unknown as { setPrefix(prefix: string): void }).setPrefix(new URL('/2/', config.apiBaseUrl).toString());
  return client;
}

/**
 * A picture sent in a DM, by its URL: X serves DM media only to requests signed with the
 * account's tokens. Only URLs on `mediaBaseUrl` are fetched, so a payload cannot send the
 * account's signature to another host.
 */
export async function downloadDmPicture(ctx: Ctx, url: string): Promise<Buffer | undefined> {
  const { config } = ctx;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  if (target.origin !== new URL(config.mediaBaseUrl).origin) return undefined;
  ctx.outbound.checkUrl(target);
  return signedClient(ctx).v1.downloadDmImage(target.toString());
}
