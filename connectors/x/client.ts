import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import type { XConfig } from './connector.js';

/**
 * The X API v2 client for one channel, signed with the account's OAuth 1.0a tokens. The host is
 * configuration (the library's prefix), so the same calls reach a local fake in tests.
 */
function signedClient(config: XConfig): TwitterApi {
  const httpAgent = config.caCertificate ? new Agent({ ca: [...rootCertificates, config.caCertificate] }) : undefined;
  return new TwitterApi(
    { appKey: config.consumerKey, appSecret: config.consumerSecret, accessToken: config.accessToken, accessSecret: config.accessTokenSecret },
    httpAgent ? { httpAgent } : {},
  );
}

export function xClient(config: XConfig): TwitterApiv2 {
  const client = signedClient(config).v2;
  // setPrefix is public at run time, protected in the typings.
  (client as unknown as { setPrefix(prefix: string): void }).setPrefix(new URL('/2/', config.apiBaseUrl).toString());
  return client;
}

/**
 * A picture sent in a DM, by its URL: X serves DM media only to requests signed with the
 * account's tokens. Only URLs on `mediaBaseUrl` are fetched, so a payload cannot send the
 * account's signature to another host.
 */
export async function downloadDmPicture(config: XConfig, url: string): Promise<Buffer | undefined> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  if (target.origin !== new URL(config.mediaBaseUrl).origin) return undefined;
  return signedClient(config).v1.downloadDmImage(target.toString());
}
