import type { SettingLabel } from '../../core/connector/define.js';
import type { weiboConfig } from './connector.js';

/** The Weibo fans-service form in the console's languages. */
export const weiboLabels: Record<keyof typeof weiboConfig.shape, SettingLabel> = {
  appKey: {
    en: 'App key',
    zh: 'App Key',
    hintEn: 'The app key entered in 粉丝服务 → 高级功能 → 开发模式 (for reference)',
    hintZh: '在“粉丝服务 → 高级功能 → 开发模式”中填写的 App Key（仅供参考）',
  },
  appSecret: {
    en: 'App secret',
    zh: 'App Secret',
    hintEn: "The app key's App Secret: Weibo signs its pushes with it",
    hintZh: 'App Key 对应的 App Secret，微博用它为推送签名',
  },
  accessToken: {
    en: 'Access token',
    zh: '访问令牌（access_token）',
    hintEn: 'The fans-service access token (开发模式 page), used by the reply API',
    hintZh: '粉丝服务的 access_token（开发模式页面），回复接口使用',
  },
  accountId: {
    en: 'Account uid',
    zh: '账号 UID',
    hintEn: "The account's uid; when set, pushes addressed to another account are refused",
    hintZh: '账号的 UID；设置后，发给其他账号的推送会被拒绝',
  },
  apiBaseUrl: { en: 'Reply API address', zh: '回复接口地址' },
  uploadBaseUrl: {
    en: 'Media download address',
    zh: '媒体下载地址',
    hintEn: 'The host fans’ pictures and voice messages are downloaded from (mss/msget)',
    hintZh: '下载粉丝图片和语音的主机（mss/msget）',
  },
  mediaMaxBytes: {
    en: 'Largest media file (bytes)',
    zh: '媒体文件大小上限（字节）',
    hintEn: 'Larger pictures and voice messages stay at Weibo, named by their id',
    hintZh: '更大的图片和语音留在微博，只记录其 ID',
  },
  replyWindowHours: {
    en: 'Reply window (hours)',
    zh: '可回复时长（小时）',
    hintEn: 'How long after a fan’s last message or action replies are allowed',
    hintZh: '粉丝最后一条消息或操作后多长时间内可以回复',
  },
  saveToSenderBox: {
    en: 'Keep a copy in the account’s inbox',
    zh: '在账号私信箱保留副本',
    hintEn: "Keep replies in the account's own private-message box too",
    hintZh: '回复同时保存在账号自己的私信箱中',
  },
  signatureMaxAgeSeconds: {
    en: 'Signature valid for (seconds)',
    zh: '签名有效期（秒）',
    hintEn: 'Refuse pushes whose signed timestamp is older than this (0: no limit); the signature does not cover the body',
    hintZh: '拒绝签名时间早于此值的推送（0 为不限）；签名不覆盖消息正文',
  },
  requestTimeoutMs: { en: 'Request timeout (ms)', zh: '请求超时（毫秒）' },
};
