import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { runTelegram, telegramRoutes } from './inbound.js';
import { normalizeUpdate } from './normalize.js';
import { sendToTelegram } from './send.js';
import { telegramLabels } from './labels.js';

/** A Telegram bot: customers write to it, agents answer as it (Bot API). */
export const telegramConfig = z.object({
  botToken: secret(
    z
      .string()
      .regex(/^\d{3,}:[A-Za-z0-9_-]{30,}$/, 'a bot token from @BotFather looks like 123456789:AAE…')
      .describe('The bot token from @BotFather'),
  ),
  mode: z
    .enum(['webhook', 'polling'])
    .default('webhook')
    .describe('webhook: Telegram posts to PUBLIC_URL (https), registered when the channel is enabled; polling: for installations without a public URL'),
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.telegram.org')
    .describe('The Bot API server (change only for a local Bot API server)'),
  webhookCheckSeconds: z.number().int().min(1).max(86_400).default(300).describe('How often the webhook is checked with getWebhookInfo'),
  pollTimeoutSeconds: z.number().int().min(1).max(50).default(25).describe('Long-polling wait per getUpdates call'),
  maxFileBytes: z
    .number()
    .int()
    .positive()
    .default(20 * 1024 * 1024)
    .describe('Larger media stay at Telegram (the Bot API serves at most 20 MB)'),
});

export type TelegramConfig = z.infer<typeof telegramConfig>;

export default defineConnector({
  type: 'telegram',
  displayName: 'Telegram',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#229ed9"/><path d="M5 11.5l13-5-2.2 11-4-3-2 2 .3-3.2L15.5 8l-7.3 4.6z" fill="#fff"/></svg>',
    name: { en: 'Telegram', zh: 'Telegram' },
  },
  description: 'A Telegram bot: text, photos, files, voice, locations and contacts in; text, media and locations out.',
  descriptionZh: 'Telegram 机器人：接收文字、图片、文件、语音、位置和联系人；发送文字、媒体和位置。',
  capabilities: {
    receive: ['text', 'image', 'file', 'audio', 'video', 'location', 'event'],
    send: ['text', 'image', 'file', 'audio', 'video', 'location', 'link'],
  },
  config: telegramConfig,
  labels: telegramLabels,
  endpoints: { apiBaseUrl: ['botToken'] },
  inbound: { kind: 'http', routes: telegramRoutes, run: runTelegram },
  normalize: normalizeUpdate,
  send: sendToTelegram,
});
