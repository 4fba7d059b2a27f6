import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { whatsappRoutes } from './inbound.js';
import { normalizeWhatsApp } from './normalize.js';
import { sendToWhatsApp } from './send.js';
import { whatsappLabels } from './labels.js';

/** A WhatsApp Business number on Meta's Cloud API. */
export const whatsappConfig = z.object({
  phoneNumberId: z
    .string()
    .regex(/^\d{5,20}$/)
    .describe('The business phone number id (WhatsApp Manager → API setup)'),
  businessAccountId: z
    .string()
    .regex(/^\d{5,20}$/)
    .optional()
    .describe('The WhatsApp Business Account id, to list approved templates'),
  accessToken: secret(z.string().min(20).describe('A system user access token with whatsapp_business_messaging')),
  appSecret: secret(z.string().min(16).describe('The Meta app secret: every webhook is checked against it (X-Hub-Signature-256)')),
  verifyToken: secret(z.string().min(8).describe('Any string: type the same one into the webhook settings of the Meta app')),
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://graph.facebook.com')
    .describe('The Graph API (change only for a proxy)'),
  apiVersion: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default('v21.0'),
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(100 * 1024 * 1024)
    .describe('Larger media stay at WhatsApp'),
});

export type WhatsAppConfig = z.infer<typeof whatsappConfig>;

export default defineConnector({
  type: 'whatsapp',
  displayName: 'WhatsApp',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#25d366"/><path d="M12 5.5a6.5 6.5 0 0 0-5.6 9.8L5.5 18.5l3.3-.9A6.5 6.5 0 1 0 12 5.5z" fill="#fff"/><path d="M10 9.5c.3 2 1.8 3.6 4 4.3" stroke="#25d366" stroke-width="1.6" fill="none" stroke-linecap="round"/></svg>',
    name: { en: 'WhatsApp', zh: 'WhatsApp' },
  },
  description: 'WhatsApp Business (Cloud API): messages in, replies within the 24-hour window, templates outside it, delivery and read receipts.',
  descriptionZh: 'WhatsApp Business（Cloud API）：接收消息，24 小时窗口内回复，窗口外发送模板消息，并有送达和已读回执。',
  capabilities: {
    receive: ['text', 'image', 'file', 'audio', 'video', 'location', 'event'],
    send: ['text', 'image', 'file', 'audio', 'video', 'location', 'link'],
    readReceipts: true,
  },
  config: whatsappConfig,
  labels: whatsappLabels,
  endpoints: { apiBaseUrl: ['accessToken'] },
  inbound: { kind: 'http', routes: whatsappRoutes },
  normalize: normalizeWhatsApp,
  send: sendToWhatsApp,
});
