import type { AnyConnector } from '../core/connector/define.js';
import appApi from './app-api/connector.js';
import email from './email/connector.js';
import telegram from './telegram/connector.js';
import voiceAsterisk from './voice/asterisk/connector.js';
import voiceCti from './voice/cti/connector.js';
import voiceTwilio from './voice/twilio/connector.js';
import web from './web/connector.js';
import wechatOa from './wechat-oa/connector.js';
import wecomKf from './wecom-kf/connector.js';
import wechaty from './wechaty/connector.js';
import weibo from './weibo/connector.js';
import whatsapp from './whatsapp/connector.js';
import x from './x/connector.js';

/** The connectors that ship with Switchboard. Third-party ones are named in CONNECTORS. */
export const builtInConnectors: AnyConnector[] = [
  appApi,
  web,
  email,
  wechatOa,
  wecomKf,
  wechaty,
  weibo,
  x,
  telegram,
  whatsapp,
  voiceAsterisk,
  voiceTwilio,
  voiceCti,
];
