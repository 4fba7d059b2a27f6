import type { SettingLabel } from '../../core/connector/define.js';
import type { appApiConfig } from './connector.js';

/** The app channel's form in the console's languages. */
export const appApiLabels: Record<keyof typeof appApiConfig.shape, SettingLabel> = {
  webhookUrl: { en: 'Webhook address', zh: '回调地址', hintEn: 'Where replies are delivered (POST, signed)', hintZh: '回复投递到的地址（POST，带签名）' },
  webhookSecret: {
    en: 'Webhook secret',
    zh: '回调密钥',
    hintEn: 'Signs the webhooks sent to your app (HMAC-SHA256)',
    hintZh: '为发往您应用的回调签名（HMAC-SHA256）',
  },
  signingSecret: {
    en: 'Request signing secret',
    zh: '请求签名密钥',
    hintEn: 'When set, every inbound request must be signed with it (HMAC-SHA256 of timestamp.body)',
    hintZh: '设置后，每个接入请求都必须用它签名（对 timestamp.body 做 HMAC-SHA256）',
  },
  replayWindowSeconds: {
    en: 'Signature valid for (seconds)',
    zh: '签名有效期（秒）',
    hintEn: 'How old a signed request may be',
    hintZh: '签名请求最多可以是多久以前的',
  },
  rateLimitPerMinute: {
    en: 'Requests per minute',
    zh: '每分钟请求数',
    hintEn: 'The most requests this key may make in a minute; past it the answer is 429 with Retry-After',
    hintZh: '此密钥每分钟最多可发的请求数；超过后返回 429 并带 Retry-After',
  },
  webhookTimeoutMs: {
    en: 'Webhook timeout (ms)',
    zh: '回调超时（毫秒）',
    hintEn: 'How long your app has to answer a webhook',
    hintZh: '您的应用响应回调的最长时间',
  },
};
