import { parse as parseLossless } from 'lossless-json';
import type { ChannelContext, HttpRoute, RawRequest } from '../../core/connector/define.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import type { WeiboConfig } from './connector.js';
import { checkWeiboSignature } from './signature.js';

function verifyWeibo(request: RawRequest, ctx: ChannelContext<WeiboConfig>): void {
  const check = checkWeiboSignature(ctx.config.appSecret, request.query, ctx.config.signatureMaxAgeSeconds);
  if (check === 'missing') throw new UnauthorizedError('signature, timestamp and nonce are required');
  if (check === 'stale') throw new ForbiddenError('the signed timestamp is too old');
  if (check === 'mismatch') throw new ForbiddenError('the signature does not match');
}

/**
 * The body as JSON with every number kept as its digits: uids and media ids are int64 and a JS
 * number would silently change them.
 */
export function parseWeiboJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  try {
    return parseLossless(text, null, (digits) => digits);
  } catch {
    throw new ValidationError('the body is not valid JSON');
  }
}

/**
 * One URL for both: GET is Weibo's URL check (answer `echostr` unchanged), POST a push. A push
 * is answered with an empty body only after the bus confirmed it: Weibo waits 5 seconds, then
 * sends again (3 tries), and an empty answer tells it not to expect a passive reply.
 */
export const weiboRoutes: HttpRoute<WeiboConfig>[] = [
  {
    method: 'GET',
    path: '/',
    verify: verifyWeibo,
    handle: (request) => {
      const echo = request.query.echostr;
      if (!echo || echo.length > 256) throw new ValidationError('echostr is required', [{ field: 'echostr', message: 'required, at most 256 characters' }]);
      return { response: { status: 200, body: echo, headers: { 'content-type': 'text/plain; charset=utf-8' } } };
    },
  },
  {
    method: 'POST',
    path: '/',
    maxBodyBytes: 64 * 1024,
    verify: verifyWeibo,
    handle: (request) => ({
      payloads: [parseWeiboJson(request.body)],
      respond: () => ({ status: 200, body: '' }),
    }),
  },
];
