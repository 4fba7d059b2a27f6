import type { SettingLabel } from '../../core/connector/define.js';
import type { wechatyConfig } from './connector.js';

/** The personal WeChat (Wechaty) channel's form in the console's languages. */
export const wechatyLabels: Record<keyof typeof wechatyConfig.shape, SettingLabel> = {
  puppet: {
    en: 'Puppet',
    zh: 'Puppet 协议',
    hintEn: 'The Wechaty puppet that reaches WeChat (an installed npm package): wechaty-puppet-service for a puppet service, wechaty-puppet-wechat4u, …',
    hintZh: '连接微信的 Wechaty puppet（已安装的 npm 包）：puppet 服务用 wechaty-puppet-service，或 wechaty-puppet-wechat4u 等',
  },
  puppetToken: {
    en: 'Puppet token',
    zh: 'Puppet 令牌',
    hintEn: 'The puppet’s token (a puppet service’s token, for example)',
    hintZh: 'puppet 的令牌（例如 puppet 服务的 token）',
  },
  puppetEndpoint: {
    en: 'Puppet service address',
    zh: 'Puppet 服务地址',
    hintEn: 'The puppet service’s address (host:port), if it is not found through the token',
    hintZh: 'puppet 服务的地址（主机:端口），无法通过令牌找到时填写',
  },
  rooms: {
    en: 'Group chats',
    zh: '群聊消息',
    hintEn: 'off: direct messages only; mentions: only messages that mention the bot; all: every message',
    hintZh: 'off：只接收私聊；mentions：只接收 @ 机器人的消息；all：接收全部消息',
  },
  maxFileBytes: {
    en: 'Largest file (bytes)',
    zh: '文件大小上限（字节）',
    hintEn: 'Larger images and files are named but not kept',
    hintZh: '更大的图片和文件只记录名称，不保存',
  },
};
