import type { SettingLabel } from '../../core/connector/define.js';
import type { wecomKfConfig } from './connector.js';

/** The WeCom customer-service (微信客服) form in the console's languages. */
export const wecomKfLabels: Record<keyof typeof wecomKfConfig.shape, SettingLabel> = {
  corpId: { en: 'CorpID', zh: '企业ID（CorpID）', hintEn: 'ww followed by 16 letters and digits', hintZh: 'ww 开头加 16 位字母和数字' },
  secret: { en: 'Customer-service Secret', zh: '微信客服 Secret' },
  token: { en: 'Callback Token', zh: '回调 Token' },
  encodingAesKey: { en: 'Callback EncodingAESKey', zh: '回调 EncodingAESKey', hintEn: '43 letters and digits', hintZh: '43 位字母和数字' },
  apiBaseUrl: { en: 'API address', zh: 'API 地址', hintEn: 'Change only for a proxy', hintZh: '仅在使用代理时修改' },
  openKfId: {
    en: 'Customer-service account',
    zh: '客服账号（open_kfid）',
    hintEn: 'The account (open_kfid) replies go from when a conversation names none',
    hintZh: '会话未指定客服账号时用于回复的账号（open_kfid）',
  },
  mediaMaxBytes: { en: 'Largest media file (bytes)', zh: '媒体文件大小上限（字节）' },
  syncLimit: {
    en: 'Messages per sync',
    zh: '每次同步消息数',
    hintEn: 'How many messages one sync_msg call reads (at most 1000)',
    hintZh: '每次 sync_msg 读取的消息条数（最多 1000）',
  },
  timestampToleranceSeconds: {
    en: 'Signature valid for (seconds)',
    zh: '签名有效期（秒）',
    hintEn: 'How old a signed callback may be',
    hintZh: '签名回调最多可以是多久以前的',
  },
  requestTimeoutMs: { en: 'Request timeout (ms)', zh: '请求超时（毫秒）' },
};
