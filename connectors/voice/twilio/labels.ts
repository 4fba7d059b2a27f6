import type { SettingLabel } from '../../../core/connector/define.js';
import { callCenterLabels } from '../calls/labels.js';
import type { twilioConfig } from './connector.js';

/** The Twilio phone channel's form in the console's languages. */
export const twilioLabels: Record<keyof typeof twilioConfig.shape, SettingLabel> = {
  accountSid: {
    en: 'Account SID',
    zh: '账户 SID',
    hintEn: 'AC followed by 32 characters, from the Twilio console',
    hintZh: 'AC 开头加 32 个字符，见 Twilio 控制台',
  },
  authToken: {
    en: 'Auth token',
    zh: 'Auth Token',
    hintEn: "Signs Twilio's webhooks and authenticates calls to its API",
    hintZh: '用于校验 Twilio 的回调签名并调用其 API',
  },
  apiBaseUrl: { en: 'API address', zh: 'API 地址', hintEn: 'Change only for a proxy', hintZh: '仅在使用代理时修改' },
  holdLoopSeconds: {
    en: 'Check waiting callers every (seconds)',
    zh: '等待来电检查间隔（秒）',
    hintEn: 'How often a waiting caller is checked on',
    hintZh: '每隔多久检查一次等待中的来电',
  },
  holdMusicUrl: { en: 'Hold music address', zh: '等待音乐地址', hintEn: 'An audio file callers hear while waiting', hintZh: '来电者等待时播放的音频文件' },
  language: {
    en: 'Prompt language',
    zh: '语音提示语言',
    hintEn: 'The language of spoken text prompts, e.g. zh-CN',
    hintZh: '文字转语音提示的语言，例如 zh-CN',
  },
  ...callCenterLabels,
};
