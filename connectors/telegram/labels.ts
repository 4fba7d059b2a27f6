import type { SettingLabel } from '../../core/connector/define.js';
import type { telegramConfig } from './connector.js';

/** The Telegram bot's form in the console's languages. */
export const telegramLabels: Record<keyof typeof telegramConfig.shape, SettingLabel> = {
  botToken: { en: 'Bot token', zh: '机器人令牌', hintEn: 'The bot token from @BotFather', hintZh: '从 @BotFather 获得的机器人令牌' },
  mode: {
    en: 'Receive by',
    zh: '接收方式',
    hintEn: 'webhook: Telegram posts to PUBLIC_URL (https), registered when the channel is enabled; polling: for installations without a public URL',
    hintZh: 'webhook：Telegram 推送到 PUBLIC_URL（需 https），启用渠道时自动注册；polling：用于没有公网地址的部署',
  },
  apiBaseUrl: { en: 'Bot API address', zh: 'Bot API 地址', hintEn: 'Change only for a local Bot API server', hintZh: '仅在使用自建 Bot API 服务器时修改' },
  webhookCheckSeconds: {
    en: 'Check the webhook every (seconds)',
    zh: '回调检查间隔（秒）',
    hintEn: 'How often the webhook is checked with getWebhookInfo',
    hintZh: '多久用 getWebhookInfo 检查一次回调',
  },
  pollTimeoutSeconds: {
    en: 'Polling wait (seconds)',
    zh: '轮询等待（秒）',
    hintEn: 'Long-polling wait per getUpdates call',
    hintZh: '每次 getUpdates 长轮询的等待时间',
  },
  maxFileBytes: {
    en: 'Largest file (bytes)',
    zh: '文件大小上限（字节）',
    hintEn: 'Larger media stay at Telegram (the Bot API serves at most 20 MB)',
    hintZh: '更大的媒体留在 Telegram（Bot API 最多提供 20 MB）',
  },
};
