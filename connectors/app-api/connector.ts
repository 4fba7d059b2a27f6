import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { appApiRoutes } from './inbound.js';
import { normalizeAppMessage } from './normalize.js';
import { conversationEvents } from './events.js';
import { deliverToWebhook } from './send.js';
import { appApiLabels } from './labels.js';

/**
 * The app API: a company's own app (or any system) talks to its customers through Switchboard.
 * Its backend posts customers' messages in; agents' replies go out to its webhook, signed.
 */
export const appApiConfig = z.object({
  webhookUrl: z
    .url({ protocol: /^https?$/ })
    .optional()
    .describe('Where replies are delivered (POST, signed)'),
  webhookSecret: secret(z.string().min(16).describe('Signs the webhooks sent to your app (HMAC-SHA256)')),
  signingSecret: secret(z.string().min(16).optional().describe('When set, every inbound request must be signed with it (HMAC-SHA256 of timestamp.body)')),
  replayWindowSeconds: z.number().int().min(30).max(3600).default(300).describe('How old a signed request may be'),
  webhookTimeoutMs: z.number().int().min(1000).max(30_000).default(10_000),
  rateLimitPerMinute: z
    .number()
    .int()
    .min(0)
    .max(1_000_000)
    .default(1200)
    .describe('Requests a minute one API key may make (0: no limit); past it the answer is 429 with Retry-After'),
});

export type AppApiConfig = z.infer<typeof appApiConfig>;

export default defineConnector({
  type: 'app-api',
  displayName: 'App API',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#6b4fd8"/><path d="M9 8l-4 4 4 4M15 8l4 4-4 4" stroke="#fff" stroke-width="2" fill="none" stroke-linecap="round" stroke-linejoin="round"/></svg>',
    name: { en: 'App API', zh: '应用 API' },
  },
  description: 'Your own app or backend sends customer messages in over HTTP and receives replies on a signed webhook.',
  descriptionZh: '您自己的应用或后端通过 HTTP 接入客户消息，并在带签名的回调上接收回复。',
  capabilities: {
    receive: ['text', 'image', 'file', 'audio', 'video', 'event'],
    send: ['text', 'image', 'file', 'audio', 'video', 'link', 'event'],
  },
  config: appApiConfig,
  labels: appApiLabels,
  // The webhook secrets only sign what goes to webhookUrl; they are never sent.
  endpoints: {},
  apiKeys: true,
  inbound: { kind: 'http', routes: appApiRoutes },
  normalize: normalizeAppMessage,
  send: deliverToWebhook,
  events: conversationEvents,
});
