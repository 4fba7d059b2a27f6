import { randomBytes } from 'node:crypto';
import { aesKeyOf, encryptMessage, wechatSignature } from '../../core/wechat/crypto.js';

/** How WeChat signs and (in the safe and compatible modes) encrypts a push to an account's server URL. */
export interface WechatAccount {
  appId: string;
  token: string;
  encodingAesKey?: string;
  ghId?: string;
}

export type PushMode = 'plaintext' | 'compatible' | 'safe';

/** A push as WeChat would make it: the query string (signature, timestamp, nonce …) and the body. */
export function wechatPush(
  account: WechatAccount,
  xml: string,
  mode: PushMode,
  options: { timestamp?: string; nonce?: string; signWith?: string; openId?: string } = {},
): { query: string; body: string } {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = options.nonce ?? String(randomBytes(4).readUInt32BE());
  const token = options.signWith ?? account.token;
  const query = new URLSearchParams({ signature: wechatSignature(token, timestamp, nonce), timestamp, nonce });
  if (options.openId) query.set('openid', options.openId);
  if (mode === 'plaintext') return { query: query.toString(), body: xml };
  const sealed = encryptMessage(aesKeyOf(account.encodingAesKey!), account.appId, xml);
  query.set('encrypt_type', 'aes');
  query.set('msg_signature', wechatSignature(token, timestamp, nonce, sealed));
  const to = /<ToUserName><!\[CDATA\[([^\]]*)\]\]><\/ToUserName>/.exec(xml)?.[1] ?? account.ghId ?? '';
  // The compatible mode carries the plaintext fields beside Encrypt; the safe mode only ToUserName and Encrypt.
  const body =
    mode === 'compatible'
      ? xml.replace('</xml>', `<Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`)
      : `<xml><ToUserName><![CDATA[${to}]]></ToUserName><Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`;
  return { query: query.toString(), body };
}

/** A 1×1 PNG: a real image for uploads and downloads. */
export const PNG_1X1 = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** The first bytes of an AMR voice file ("#!AMR\n") and a few frames' worth of silence. */
export const AMR_VOICE = Buffer.concat([Buffer.from('#!AMR\n'), Buffer.alloc(64, 0x7c)]);

/** A WeCom customer-service callback: `kf_msg_or_event` for an account, encrypted and signed with msg_signature. */
export function wecomCallback(
  account: { corpId: string; token: string; encodingAesKey: string },
  openKfId: string,
  callbackToken: string,
  options: { timestamp?: string; signWith?: string } = {},
): { query: string; body: string } {
  const timestamp = options.timestamp ?? String(Math.floor(Date.now() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE());
  const inner = `<xml><ToUserName><![CDATA[${account.corpId}]]></ToUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[${callbackToken}]]></Token><OpenKfId><![CDATA[${openKfId}]]></OpenKfId></xml>`;
  const sealed = encryptMessage(aesKeyOf(account.encodingAesKey), account.corpId, inner);
  const query = new URLSearchParams({ msg_signature: wechatSignature(options.signWith ?? account.token, timestamp, nonce, sealed), timestamp, nonce });
  return {
    query: query.toString(),
    body: `<xml><ToUserName><![CDATA[${account.corpId}]]></ToUserName><AgentID><![CDATA[]]></AgentID><Encrypt><![CDATA[${sealed}]]></Encrypt></xml>`,
  };
}
