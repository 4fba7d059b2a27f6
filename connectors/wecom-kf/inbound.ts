import type { ChannelContext, HookOutcome, HttpRoute, RawRequest } from '../../core/connector/define.js';
import { safeEqual } from '../../core/connector/signatures.js';
import { aesKeyOf, decryptMessage, WechatCryptoError, wechatSignature } from '../../core/wechat/crypto.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import { parseWechatXml } from '../../core/wechat/xml.js';
import type { WecomKfConfig } from './connector.js';
import { syncAccount } from './sync.js';

type Ctx = ChannelContext<WecomKfConfig>;

/** What is signed: the echostr of the URL check, or the body's Encrypt. */
function signedValue(request: RawRequest): string {
  if (request.method === 'GET') {
    const echo = request.query.echostr;
    if (!echo) throw new UnauthorizedError('echostr is required');
    return echo;
  }
  const sealed = parseWechatXml(request.body.toString('utf8')).Encrypt;
  if (typeof sealed !== 'string' || !sealed) throw new ValidationError('the body has no Encrypt', [{ field: 'Encrypt', message: 'missing' }]);
  return sealed;
}

/** msg_signature = SHA-1 of the sorted token, timestamp, nonce and the encrypted value; checked before anything is decrypted. */
export function verifyKfRequest(request: RawRequest, ctx: Ctx): void {
  const { msg_signature: signature, timestamp, nonce } = request.query;
  if (!signature || !timestamp || !nonce) throw new UnauthorizedError('msg_signature, timestamp and nonce are required');
  if (!/^\d{1,12}$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > ctx.config.timestampToleranceSeconds) {
    throw new ForbiddenError('the timestamp is outside the allowed window');
  }
  const value = signedValue(request);
  if (!safeEqual(wechatSignature(ctx.config.token, timestamp, nonce, value), signature.toLowerCase()))
    throw new ForbiddenError('the msg_signature does not match');
}

function decrypt(ctx: Ctx, sealed: string): string {
  try {
    return decryptMessage(aesKeyOf(ctx.config.encodingAesKey), ctx.config.corpId, sealed);
  } catch (error) {
    if (error instanceof WechatCryptoError) throw new ValidationError(`the message cannot be decrypted: ${error.message}`);
    throw error;
  }
}

/** The callback URL check: the decrypted echostr, at once. */
function answerUrlCheck(request: RawRequest, ctx: Ctx): HookOutcome {
  return { response: { status: 200, body: decrypt(ctx, request.query.echostr!) } };
}

/**
 * `kf_msg_or_event` says messages wait on an account: they are pulled right after the answer
 * (WeCom wants one within 5 s; a long backlog takes longer). Other callbacks are acknowledged.
 */
function takeCallback(request: RawRequest, ctx: Ctx): HookOutcome {
  const envelope = parseWechatXml(request.body.toString('utf8'));
  const event = parseWechatXml(decrypt(ctx, String(envelope.Encrypt)));
  if (event.MsgType === 'event' && event.Event === 'kf_msg_or_event') {
    const openKfId = typeof event.OpenKfId === 'string' ? event.OpenKfId : '';
    if (!openKfId) throw new ValidationError('the callback names no customer-service account', [{ field: 'OpenKfId', message: 'missing' }]);
    const token = typeof event.Token === 'string' ? event.Token : undefined;
    syncAccount(ctx, openKfId, token).catch((error: unknown) =>
      ctx.logger.warn(
        { openKfId, err: error instanceof Error ? error.message : String(error) },
        'WeCom sync_msg failed; the next callback resumes from the saved cursor',
      ),
    );
  }
  return { response: { status: 200, body: 'success' } };
}

export const wecomKfRoutes: HttpRoute<WecomKfConfig>[] = [
  { method: 'GET', path: '/', verify: verifyKfRequest, handle: answerUrlCheck },
  { method: 'POST', path: '/', maxBodyBytes: 64 * 1024, verify: verifyKfRequest, handle: takeCallback },
];
