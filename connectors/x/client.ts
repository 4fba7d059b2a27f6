import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { TwitterApi, type TwitterApiv2 } from 'twitter-api-v2';
import type { XConfig } from './connector.js';

/**
 * The X API v2 client for one channel, signed with the account's OAuth 1.0a tokens. The host is
 * configuration (the library's prefix), so the same calls reach a local fake in tests.
 */
export function xClient(config: XConfig): TwitterApiv2 {
  const httpAgent = config.caCertificate ? new Agent({ ca: [...rootCertificates, config.caCertificate] }) : undefined;
  const client = new TwitterApi(
    { appKey: config.consumerKey, appSecret: config.consumerSecret, accessToken: config.accessToken, accessSecret: config.accessTokenSecret },
    httpAgent ? { httpAgent } : {},
  ).v2;
  // setPrefix is public at run time, protected in the typings.
  (client as unknown as { setPrefix(prefix: string): void }).setPrefix(new URL('/2/', config.apiBaseUrl).toString());
  return client;
}
