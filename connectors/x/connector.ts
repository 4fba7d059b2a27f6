import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { pollDirectMessages } from './poll.js';
import { normalizeXPayload } from './normalize.js';
import { sendDirectMessage } from './send.js';
import { xWebhookRoutes } from './webhook.js';
import { xLabels } from './labels.js';

/**
 * X direct messages. Every account can be polled (the DM events endpoint of the X API v2, on
 * the paid tiers); accounts with the Account Activity API also get them pushed to a webhook.
 * Both paths give the same messages, keyed by the DM event id, so running both loses nothing
 * and stores nothing twice.
 */
export const xConfig = z.object({
  consumerKey: z.string().min(8).max(128).describe("The app's API key (OAuth 1.0a consumer key)"),
  consumerSecret: secret(z.string().min(8).max(128).describe("The app's API key secret: signs API calls, webhook deliveries and CRC answers")),
  accessToken: secret(z.string().min(8).max(256).describe("The company account's access token (OAuth 1.0a, with Direct Message permission)")),
  accessTokenSecret: secret(z.string().min(8).max(256).describe("The company account's access token secret")),
  receive: z
    .enum(['poll', 'webhook', 'webhook+poll'])
    .default('poll')
    .describe('How DMs arrive: polling the DM events endpoint, the Account Activity webhook, or both (the poll then catches what a webhook missed)'),
  pollIntervalSeconds: z.number().int().min(2).max(3600).default(15).describe('Time between two polls when nothing is waiting'),
  backfillHours: z.number().int().min(0).max(720).default(24).describe('On the first poll, take DMs of this many past hours (at most 30 days, which X keeps)'),
  apiBaseUrl: z
    .url({ protocol: /^https$/ })
    .default('https://api.x.com')
    .describe('The X API host'),
  mediaBaseUrl: z
    .url({ protocol: /^https$/ })
    .default('https://ton.twitter.com')
    .describe('Where X serves pictures sent in DMs (signed requests); pictures elsewhere are not fetched'),
  mediaMaxBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(5 * 1024 * 1024)
    .describe('Larger pictures stay at X, named by their id'),
  caCertificate: z
    .string()
    .max(20_000)
    .regex(/-----BEGIN CERTIFICATE-----/, 'a PEM certificate')
    .optional()
    .describe('An extra certificate authority to trust for the API host (a TLS-inspecting proxy)'),
});

export type XConfig = z.infer<typeof xConfig>;

export default defineConnector({
  type: 'x-dm',
  displayName: 'X (Twitter)',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#111111"/><path d="M7 6.5l10 11M17 6.5l-10 11" stroke="#fff" stroke-width="2" stroke-linecap="round"/></svg>',
    name: { en: 'X (Twitter) direct messages', zh: 'X（推特）私信' },
  },
  description: "Direct messages of the company's X account, polled or pushed by the Account Activity webhook; replies with text and images.",
  descriptionZh: '企业 X 账号的私信，通过轮询或 Account Activity 回调接收；可回复文字和图片。',
  capabilities: {
    receive: ['text', 'image', 'video'],
    send: ['text', 'image'],
  },
  config: xConfig,
  labels: xLabels,
  // Requests are signed, not only sent, with all three; a new trusted CA could read them on the way.
  endpoints: Object.fromEntries(['apiBaseUrl', 'mediaBaseUrl', 'caCertificate'].map((f) => [f, ['consumerSecret', 'accessToken', 'accessTokenSecret']])),
  inbound: { kind: 'http', routes: xWebhookRoutes, run: pollDirectMessages },
  normalize: normalizeXPayload,
  send: sendDirectMessage,
});
