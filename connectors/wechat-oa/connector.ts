import { z } from 'zod';
import { defineConnector, secret } from '../../core/connector/define.js';
import { wechatRoutes } from './inbound.js';
import { normalizeWechatMessage } from './normalize.js';
import { sendToFollower } from './send.js';
import { wechatOaLabels } from './labels.js';

/**
 * A WeChat Official Account (公众号): followers' messages and menu events arrive on the
 * account's server URL; agents answer through the customer-service message API within the
 * reply window the follower opened.
 */
export const wechatOaConfig = z.object({
  appId: z
    .string()
    .regex(/^wx[0-9A-Za-z]{16}$/, 'an AppID looks like wx followed by 16 letters and digits')
    .describe('AppID (开发者ID)'),
  appSecret: secret(z.string().min(16).max(64).describe('AppSecret (开发者密码)')),
  token: secret(
    z
      .string()
      .regex(/^[A-Za-z0-9]{3,32}$/, '3-32 letters and digits')
      .describe('Token, as set on the server configuration page'),
  ),
  encodingAesKey: secret(
    z
      .string()
      .regex(/^[A-Za-z0-9]{43}$/, '43 letters and digits')
      .optional()
      .describe('EncodingAESKey; required in the compatible and safe modes'),
  ),
  mode: z
    .enum(['plaintext', 'compatible', 'safe'])
    .default('safe')
    .describe('Message encryption mode (消息加解密方式), as set on the server configuration page'),
  apiBaseUrl: z
    .url({ protocol: /^https?$/ })
    .default('https://api.weixin.qq.com')
    .describe('The WeChat API endpoint (change only for a proxy)'),
  useStableToken: z.boolean().default(true).describe('Fetch access tokens with stable_token, so other systems holding the same AppSecret keep theirs'),
  replyWindowHours: z.number().int().min(1).max(168).default(48).describe('How long after a follower’s message the account may answer'),
  replyQuota: z.number().int().min(0).max(1000).default(5).describe('Replies allowed per window (0: no limit)'),
  welcomeMessage: z.string().max(600).optional().describe('Sent when someone follows the account'),
  timestampToleranceSeconds: z.number().int().min(30).max(86_400).default(300).describe('How old a signed callback may be'),
  mediaMaxBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  requestTimeoutMs: z.number().int().min(500).max(30_000).default(8000),
});

export type WechatOaConfig = z.infer<typeof wechatOaConfig>;

export default defineConnector({
  type: 'wechat-oa',
  displayName: 'WeChat Official Account',
  appearance: {
    icon: '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><rect width="24" height="24" rx="6" fill="#07c160"/><ellipse cx="9.5" cy="10" rx="5.5" ry="4.5" fill="#fff"/><ellipse cx="15.5" cy="14" rx="4.5" ry="3.8" fill="#fff" fill-opacity="0.85"/></svg>',
    name: { en: 'WeChat Official Account', zh: '微信公众号' },
  },
  description: 'Followers of a WeChat Official Account (公众号) message it; agents reply through the customer-service API.',
  descriptionZh: '公众号的粉丝给公众号发消息；坐席通过客服消息接口回复。',
  capabilities: {
    receive: ['text', 'image', 'audio', 'video', 'location', 'link', 'event'],
    send: ['text', 'image', 'audio', 'link'],
  },
  endpoints: { apiBaseUrl: ['appSecret'] },
  labels: wechatOaLabels,
  config: wechatOaConfig.refine((c) => c.mode === 'plaintext' || c.encodingAesKey !== undefined, {
    message: 'the compatible and safe modes need the EncodingAESKey',
    path: ['encodingAesKey'],
  }),
  inbound: { kind: 'http', routes: wechatRoutes },
  normalize: normalizeWechatMessage,
  send: sendToFollower,
});
