import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { runBot } from './bot.js';
import { normalizeBotMessage } from './normalize.js';
import { sendThroughBot } from './send.js';
import { wechatyLabels } from './labels.js';

/** An npm puppet package: `wechaty-puppet-…` or a scoped `@scope/wechaty-puppet-…`. */
const PUPPET_NAME = /^(@[a-z0-9][a-z0-9._-]*\/)?wechaty-puppet-[a-z0-9][a-z0-9._-]*$/;

/** A personal or WeCom-bot WeChat account driven by a Wechaty bot. */
export const wechatyConfig = z.object({
  puppet: z
    .string()
    .regex(PUPPET_NAME, 'a Wechaty puppet package name, like wechaty-puppet-service')
    .default('wechaty-puppet-service')
    .describe('The Wechaty puppet that reaches WeChat (an installed npm package): wechaty-puppet-service for a puppet service, wechaty-puppet-wechat4u, …'),
  puppetToken: secret(z.string().min(1).max(500)).optional().describe('The puppet’s token (a puppet service’s token, for example)'),
  puppetEndpoint: z.string().max(300).optional().describe('The puppet service’s address (host:port), if it is not found through the token'),
  rooms: z
    .enum(['off', 'mentions', 'all'])
    .default('mentions')
    .describe('Group rooms: off (direct messages only), mentions (only messages that mention the bot), all'),
  maxFileBytes: z
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(20 * 1024 * 1024)
    .describe('Larger images and files are named but not kept'),
});

export type WechatyConfig = z.infer<typeof wechatyConfig>;

export default defineConnector({
  type: 'wechaty',
  displayName: 'WeChat bot (Wechaty)',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#1aad19"/><ellipse cx="9.5" cy="10" rx="5.5" ry="4.5" fill="#fff"/><ellipse cx="15.5" cy="14" rx="4.5" ry="3.8" fill="#fff" fill-opacity="0.85"/><circle cx="18.5" cy="6" r="2.2" fill="#fff"/></svg>',
    name: { en: 'WeChat bot (Wechaty)', zh: '微信机器人（Wechaty）' },
  },
  description:
    'A personal WeChat or WeCom-bot account run by a Wechaty bot: direct and group messages in, text, images and files out. Log in by scanning the QR code shown on the channel.',
  descriptionZh: '由 Wechaty 机器人运行的个人微信或企业微信机器人账号：接收私聊和群消息，发送文字、图片和文件。扫描渠道上显示的二维码登录。',
  capabilities: {
    receive: ['text', 'image', 'file', 'audio', 'video', 'link', 'location'],
    send: ['text', 'image', 'file'],
  },
  config: wechatyConfig,
  labels: wechatyLabels,
  endpoints: { puppet: ['puppetToken'], puppetEndpoint: ['puppetToken'] },
  inbound: { kind: 'pull', run: runBot },
  normalize: normalizeBotMessage,
  send: sendThroughBot,
});
