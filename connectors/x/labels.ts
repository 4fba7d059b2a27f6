import type { SettingLabel } from '../../core/connector/define.js';
import type { xConfig } from './connector.js';

/** The X (Twitter) direct messages form in the console's languages. */
export const xLabels: Record<keyof typeof xConfig.shape, SettingLabel> = {
  consumerKey: { en: 'API key', zh: 'API Key', hintEn: "The app's API key (OAuth 1.0a consumer key)", hintZh: '应用的 API Key（OAuth 1.0a consumer key）' },
  consumerSecret: {
    en: 'API key secret',
    zh: 'API Key Secret',
    hintEn: "The app's API key secret: signs API calls, webhook deliveries and CRC answers",
    hintZh: '应用的 API Key Secret：用于 API 调用、回调投递和 CRC 应答的签名',
  },
  accessToken: {
    en: 'Access token',
    zh: '访问令牌',
    hintEn: "The company account's access token (OAuth 1.0a, with Direct Message permission)",
    hintZh: '企业账号的访问令牌（OAuth 1.0a，需有私信权限）',
  },
  accessTokenSecret: { en: 'Access token secret', zh: '访问令牌密钥', hintEn: "The company account's access token secret", hintZh: '企业账号的访问令牌密钥' },
  receive: {
    en: 'Receive by',
    zh: '接收方式',
    hintEn: 'poll: ask the DM events endpoint; webhook: the Account Activity webhook; webhook+poll: both (the poll catches what a webhook missed)',
    hintZh: 'poll：轮询私信事件接口；webhook：Account Activity 回调；webhook+poll：两者都用（轮询补上回调漏掉的消息）',
  },
  pollIntervalSeconds: {
    en: 'Poll every (seconds)',
    zh: '轮询间隔（秒）',
    hintEn: 'Time between two polls when nothing is waiting',
    hintZh: '没有新消息时两次轮询之间的间隔',
  },
  backfillHours: {
    en: 'Fetch past hours on the first poll',
    zh: '首次轮询补取时长（小时）',
    hintEn: 'On the first poll, take DMs of this many past hours (at most 30 days, which X keeps)',
    hintZh: '首次轮询时取回过去多少小时的私信（最多 30 天，X 只保留这么久）',
  },
  apiBaseUrl: { en: 'API address', zh: 'API 地址' },
  mediaBaseUrl: {
    en: 'Media address',
    zh: '媒体地址',
    hintEn: 'Where X serves pictures sent in DMs (signed requests); pictures elsewhere are not fetched',
    hintZh: 'X 提供私信图片的地址（签名请求）；其他地址的图片不会下载',
  },
  mediaMaxBytes: {
    en: 'Largest picture (bytes)',
    zh: '图片大小上限（字节）',
    hintEn: 'Larger pictures stay at X, named by their id',
    hintZh: '更大的图片留在 X，只记录其 ID',
  },
  caCertificate: {
    en: 'Extra CA certificate',
    zh: '额外的 CA 证书',
    hintEn: 'An extra certificate authority to trust for the API host (a TLS-inspecting proxy), in PEM',
    hintZh: '为 API 主机额外信任的证书颁发机构（例如做 TLS 检查的代理），PEM 格式',
  },
};
