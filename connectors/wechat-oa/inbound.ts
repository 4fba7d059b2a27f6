import { randomBytes } from 'node:crypto';
import type { ChannelContext, HookOutcome, HookResponse, HttpRoute, RawRequest } from '../../core/connector/define.js';
import { safeEqual } from '../../core/connector/signatures.js';
import { aesKeyOf, decryptMessage, encryptMessage, WechatCryptoError, wechatSignature } from '../../core/wechat/crypto.js';
import type { InboundMessage } from '../../core/domain/messages.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import type { WechatOaConfig } from './connector.js';
import { externalIdOf, opensReplyWindow } from './normalize.js';
import { openReplyWindow } from './window.js';
import { buildWechatXml, parseWechatXml } from '../../core/wechat/xml.js';

type Ctx = ChannelContext<WechatOaConfig>;

/**
 * Every request from WeChat carries `signature` = SHA-1 of the sorted token, timestamp and
 * nonce. It is checked, with the timestamp's age, before anything else is read.
 */
export function verifyWechatSignature(request: RawRequest, ctx: Ctx): void {
  const { signature, timestamp, nonce } = request.query;
  if (!signature || !timestamp || !nonce) throw new UnauthorizedError('signature, timestamp and nonce are required');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > ctx.config.timestampToleranceSeconds) {
    throw new ForbiddenError('the timestamp is outside the allowed window');
  }
  if (!safeEqual(wechatSignature(ctx.config.token, timestamp, nonce), signature.toLowerCase())) throw new ForbiddenError('the signature does not match');
}

/** The server URL check: WeChat sends `echostr`, signed, and wants it back unchanged. */
function answerUrlCheck(request: RawRequest): HookOutcome {
  const echo = request.query.echostr;
  if (!echo) throw new ValidationError('echostr is required', [{ field: 'echostr', message: 'missing' }]);
  return { response: { status: 200, body: echo } };
}

/**
 * The pushed message itself. In the safe mode (and in the compatible mode when WeChat
 * encrypted), the body's `Encrypt` is checked against `msg_signature` and decrypted; a channel
 * in the safe mode refuses plaintext, so nobody can downgrade it.
 */
function openBody(request: RawRequest, ctx: Ctx): { message: Record<string, unknown>; encrypted: boolean } {
  const envelope = parseWechatXml(request.body.toString('utf8'));
  const encrypted = request.query.encrypt_type === 'aes';
  if (!encrypted) {
    if (ctx.config.mode === 'safe') throw new ForbiddenError('this channel accepts encrypted messages only (safe mode)');
    return { message: envelope, encrypted };
  }
  if (ctx.config.mode === 'plaintext') throw new ValidationError('this channel is in the plaintext mode; set the mode to match the account');
  const sealed = envelope.Encrypt;
  if (typeof sealed !== 'string' || !sealed) throw new ValidationError('the encrypted body has no Encrypt', [{ field: 'Encrypt', message: 'missing' }]);
  const msgSignature = request.query.msg_signature;
  if (!msgSignature) throw new UnauthorizedError('msg_signature is required');
  if (!safeEqual(wechatSignature(ctx.config.token, request.query.timestamp!, request.query.nonce!, sealed), msgSignature.toLowerCase())) {
    throw new ForbiddenError('the msg_signature does not match');
  }
  try {
    return { message: parseWechatXml(decryptMessage(aesKeyOf(ctx.config.encodingAesKey!), ctx.config.appId, sealed)), encrypted };
  } catch (error) {
    if (error instanceof WechatCryptoError) throw new ValidationError(`the message cannot be decrypted: ${error.message}`);
    throw error;
  }
}

/** A passive reply in the response body, encrypted like the request was. */
function passiveReply(ctx: Ctx, message: Record<string, unknown>, content: string, encrypted: boolean): HookResponse {
  const xml = buildWechatXml({
    ToUserName: String(message.FromUserName),
    FromUserName: String(message.ToUserName),
    CreateTime: Math.floor(Date.now() / 1000),
    MsgType: 'text',
    Content: content,
  });
  if (!encrypted) return { status: 200, body: xml, headers: { 'content-type': 'application/xml; charset=utf-8' } };
  const sealed = encryptMessage(aesKeyOf(ctx.config.encodingAesKey!), ctx.config.appId, xml);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = String(randomBytes(4).readUInt32BE());
  const body = buildWechatXml({
    Encrypt: sealed,
    MsgSignature: wechatSignature(ctx.config.token, timestamp, nonce, sealed),
    TimeStamp: Number(timestamp),
    Nonce: nonce,
  });
  return { status: 200, body, headers: { 'content-type': 'application/xml; charset=utf-8' } };
}

/**
 * Runs once the bus confirmed the message: the follower's reply window opens, and a first
 * follow gets the welcome message as the passive reply (a subscribe sent twice welcomes once).
 * Anything else answers "success", which tells WeChat not to send again.
 */
async function afterAccepted(ctx: Ctx, message: Record<string, unknown>, encrypted: boolean, accepted: InboundMessage[]): Promise<HookResponse> {
  const success: HookResponse = { status: 200, body: 'success' };
  if (accepted.length === 0) return success;
  const openId = String(message.FromUserName);
  if (opensReplyWindow(message)) await openReplyWindow(ctx, openId, new Date(Number(message.CreateTime) * 1000));
  const welcome = ctx.config.welcomeMessage;
  if (message.MsgType === 'event' && message.Event === 'subscribe' && welcome) {
    const key = externalIdOf(message as Parameters<typeof externalIdOf>[0]);
    if (await ctx.platform.welcomes.first(key)) return passiveReply(ctx, message, welcome, encrypted);
  }
  return success;
}

export const wechatRoutes: HttpRoute<WechatOaConfig>[] = [
  { method: 'GET', path: '/', verify: verifyWechatSignature, handle: answerUrlCheck },
  {
    method: 'POST',
    path: '/',
    maxBodyBytes: 64 * 1024,
    verify: verifyWechatSignature,
    handle: (request, ctx) => {
      const { message, encrypted } = openBody(request, ctx);
      return { payloads: [message], respond: (accepted) => afterAccepted(ctx, message, encrypted, accepted) };
    },
  },
];
