import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { serviceStateEvents } from './events.js';
import { wecomKfRoutes } from './inbound.js';
import { normalizeKfMessage } from './normalize.js';
import { sendKfMessage } from './send.js';
import { wecomKfLabels } from './labels.js';

/**
 * WeCom customer service (企业微信·微信客服): WeChat users write to a customer-service account
 * of the company. WeCom only signals that something is waiting (`kf_msg_or_event`); the
 * messages are pulled with sync_msg from a cursor kept in the database.
 */
export const wecomKfConfig = z.object({
  corpId: z
    .string()
    .regex(/^w[wx][0-9a-zA-Z]{16}$/, 'a CorpID looks like ww followed by 16 letters and digits')
    .describe('CorpID (企业ID)'),
  secret: secret(z.string().min(16).max(128).describe('The customer-service Secret (微信客服 Secret)')),
  token: secret(
    z
      .string()
      .regex(/^[A-Za-z0-9]{3,32}$/, '3-32 letters and digits')
      .describe('Callback Token'),
  ),
  encodingAesKey: secret(
    z
      .string()
      .regex(/^[A-Za-z0-9]{43}$/, '43 letters and digits')
      .describe('Callback EncodingAESKey'),
  ),
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://qyapi.weixin.qq.com')
    .describe('The WeCom API endpoint (change only for a proxy)'),
  openKfId: z.string().max(64).optional().describe('The customer-service account (open_kfid) replies go from when a conversation names none'),
  mediaMaxBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(20 * 1024 * 1024),
  syncLimit: z.number().int().min(1).max(1000).default(1000),
  timestampToleranceSeconds: z.number().int().min(30).max(86_400).default(300),
  requestTimeoutMs: z.number().int().min(500).max(30_000).default(8000),
});

export type WecomKfConfig = z.infer<typeof wecomKfConfig>;

export default defineConnector({
  type: 'wecom-kf',
  displayName: 'WeCom customer service',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#2b7de9"/><ellipse cx="9.5" cy="10" rx="5.5" ry="4.5" fill="#fff"/><ellipse cx="15.5" cy="14" rx="4.5" ry="3.8" fill="#fff" fill-opacity="0.85"/></svg>',
    name: { en: 'WeCom customer service', zh: '微信客服（企业微信）' },
  },
  description: 'WeChat users write to your WeCom customer-service accounts (微信客服); agents answer here.',
  descriptionZh: '微信用户联系您的微信客服账号；坐席在这里回复。',
  capabilities: {
    receive: ['text', 'image', 'audio', 'video', 'file', 'location', 'link', 'event'],
    send: ['text', 'image', 'file'],
  },
  config: wecomKfConfig,
  labels: wecomKfLabels,
  endpoints: { apiBaseUrl: ['secret'] },
  inbound: { kind: 'http', routes: wecomKfRoutes },
  normalize: (payload) => normalizeKfMessage(payload),
  send: sendKfMessage,
  events: serviceStateEvents,
});
