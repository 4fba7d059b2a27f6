import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { weiboRoutes } from './inbound.js';
import { normalizeWeiboPush } from './normalize.js';
import { replyToFan } from './send.js';
import { weiboLabels } from './labels.js';

/**
 * Weibo's fans service (粉丝服务平台): a verified account's private messages and events are pushed
 * to Switchboard; agents answer through the reply API within the window Weibo allows.
 */
export const weiboConfig = z.object({
  appKey: z.string().min(1).max(64).optional().describe('The app key entered in 粉丝服务 → 高级功能 → 开发模式 (for reference)'),
  appSecret: secret(z.string().min(6).max(128).describe("The app key's App Secret: Weibo signs its pushes with it")),
  accessToken: secret(z.string().min(8).max(512).describe('The fans-service access token (开发模式 page), used by the reply API')),
  accountId: z
    .string()
    .regex(/^\d{1,20}$/)
    .optional()
    .describe("The account's uid; when set, pushes addressed to another account are refused"),
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://m.api.weibo.com')
    .describe('The reply API host'),
  uploadBaseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://upload.api.weibo.com')
    .describe('The host fans’ pictures and voice messages are downloaded from (mss/msget)'),
  mediaMaxBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(10 * 1024 * 1024)
    .describe('Larger pictures and voice messages stay at Weibo, named by their id'),
  replyWindowHours: z.number().int().min(1).max(48).default(48).describe('How long after a fan’s last message or action replies are allowed'),
  saveToSenderBox: z.boolean().default(true).describe("Keep replies in the account's own private-message box too"),
  signatureMaxAgeSeconds: z
    .number()
    .int()
    .min(0)
    .max(86_400)
    .default(600)
    .describe('Refuse pushes whose signed timestamp is older than this (0: no limit); the signature does not cover the body'),
  requestTimeoutMs: z.number().int().min(1000).max(30_000).default(10_000),
});

export type WeiboConfig = z.infer<typeof weiboConfig>;

export default defineConnector({
  type: 'weibo',
  displayName: 'Weibo',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#e6162d"/><ellipse cx="11" cy="14" rx="6.5" ry="4.5" fill="#fff"/><circle cx="10.5" cy="14.5" r="1.8" fill="#e6162d"/><path d="M15 6.5a3.5 3.5 0 0 1 3.5 3.5" stroke="#fff" stroke-width="1.6" fill="none" stroke-linecap="round"/></svg>',
    name: { en: 'Weibo', zh: '微博' },
  },
  description: "Private messages and events of a verified Weibo account (粉丝服务平台); replies through Weibo's reply API.",
  descriptionZh: '已认证微博账号（粉丝服务平台）的私信和事件；通过微博回复接口回复。',
  capabilities: {
    receive: ['text', 'location', 'audio', 'image', 'event'],
    send: ['text', 'link', 'location'],
  },
  config: weiboConfig,
  labels: weiboLabels,
  endpoints: { apiBaseUrl: ['accessToken'], uploadBaseUrl: ['accessToken'] },
  inbound: { kind: 'http', routes: weiboRoutes },
  normalize: normalizeWeiboPush,
  send: replyToFan,
});
