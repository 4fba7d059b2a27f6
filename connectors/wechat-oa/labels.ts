import type { SettingLabel } from '../../core/connector/define.js';
import type { wechatOaConfig } from './connector.js';

/** The WeChat official account's form in the console's languages. */
export const wechatOaLabels: Record<keyof typeof wechatOaConfig.shape, SettingLabel> = {
  appId: { en: 'AppID', zh: '开发者ID（AppID）', hintEn: 'wx followed by 16 letters and digits', hintZh: 'wx 开头加 16 位字母和数字' },
  appSecret: { en: 'AppSecret', zh: '开发者密码（AppSecret）' },
  token: { en: 'Token', zh: '令牌（Token）', hintEn: 'As set on the server configuration page', hintZh: '与服务器配置页填写的一致' },
  encodingAesKey: {
    en: 'EncodingAESKey',
    zh: '消息加解密密钥（EncodingAESKey）',
    hintEn: 'Required in the compatible and safe modes',
    hintZh: '兼容模式和安全模式下必填',
  },
  mode: {
    en: 'Message encryption mode',
    zh: '消息加解密方式',
    hintEn: 'plaintext, compatible or safe, as set on the server configuration page',
    hintZh: '明文模式（plaintext）、兼容模式（compatible）或安全模式（safe），与服务器配置页一致',
  },
  apiBaseUrl: { en: 'API address', zh: 'API 地址', hintEn: 'Change only for a proxy', hintZh: '仅在使用代理时修改' },
  useStableToken: {
    en: 'Use stable access tokens',
    zh: '使用稳定版接口调用凭据',
    hintEn: 'Fetch access tokens with stable_token, so other systems holding the same AppSecret keep theirs',
    hintZh: '用 stable_token 获取 access_token，使用同一 AppSecret 的其他系统不受影响',
  },
  replyWindowHours: {
    en: 'Reply window (hours)',
    zh: '可回复时长（小时）',
    hintEn: 'How long after a follower’s message the account may answer',
    hintZh: '粉丝发消息后多长时间内可以回复',
  },
  replyQuota: {
    en: 'Replies per window',
    zh: '每个时段可回复条数',
    hintEn: 'Replies allowed per window (0: no limit)',
    hintZh: '每个可回复时段内允许的回复条数（0 为不限）',
  },
  welcomeMessage: { en: 'Welcome message', zh: '关注欢迎语', hintEn: 'Sent when someone follows the account', hintZh: '用户关注公众号时发送' },
  timestampToleranceSeconds: {
    en: 'Signature valid for (seconds)',
    zh: '签名有效期（秒）',
    hintEn: 'How old a signed callback may be',
    hintZh: '签名回调最多可以是多久以前的',
  },
  mediaMaxBytes: { en: 'Largest media file (bytes)', zh: '媒体文件大小上限（字节）' },
  requestTimeoutMs: { en: 'Request timeout (ms)', zh: '请求超时（毫秒）' },
};
