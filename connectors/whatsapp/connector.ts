import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { whatsappRoutes } from './inbound.js';
import { normalizeWhatsApp } from './normalize.js';
import { sendToWhatsApp } from './send.js';

/** A WhatsApp Business number on Meta's Cloud API. */
export const whatsappConfig = z.object({
  phoneNumberId: z.string().regex(/^\d{5,20}$/).describe('The business phone number id (WhatsApp Manager → API setup)'),
  businessAccountId: z.string().regex(/^\d{5,20}$/).optional().describe('The WhatsApp Business Account id, to list approved templates'),
  accessToken: secret(z.string().min(20).describe('A system user access token with whatsapp_business_messaging')),
  appSecret: secret(z.string().min(16).describe('The Meta app secret: every webhook is checked against it (X-Hub-Signature-256)')),
  verifyToken: secret(z.string().min(8).describe('Any string: type the same one into the webhook settings of the Meta app')),
  apiBaseUrl: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com').describe('The Graph API (change only for a proxy)'),
  apiVersion: z.string().regex(/^v\d+\.\d+$/).default('v21.0'),
  maxFileBytes: z.number().int().positive().default(100 * 1024 * 1024).describe('Larger media stay at WhatsApp'),
});

export type WhatsAppConfig = z.infer<typeof whatsappConfig>;

export default defineConnector({
  type: 'whatsapp',
  displayName: 'WhatsApp',
  description: 'WhatsApp Business (Cloud API): messages in, replies within the 24-hour window, templates outside it, delivery and read receipts.',
  capabilities: {
    receive: ['text', 'image', 'file', 'audio', 'video', 'location', 'event'],
    send: ['text', 'image', 'file', 'audio', 'video', 'location', 'link'],
    readReceipts: true,
  },
  config: whatsappConfig,
  endpoints: { apiBaseUrl: ['accessToken'] },
  inbound: { kind: 'http', routes: whatsappRoutes },
  normalize: normalizeWhatsApp,
  send: sendToWhatsApp,
});
