import { createHmac } from 'node:crypto';
import type { ChannelContext, HttpRoute, RawRequest } from '../../core/connector/define.js';
import { safeEqual } from '../../core/connector/signatures.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import type { XConfig } from './connector.js';

export const SIGNATURE_HEADER = 'x-twitter-webhooks-signature';

/** `sha256=` + base64 HMAC-SHA256 under the consumer secret: X's CRC answer and its delivery signature. */
export function xSignature(consumerSecret: string, data: Buffer | string): string {
  return `sha256=${createHmac('sha256', consumerSecret).update(data).digest('base64')}`;
}

function verifyDelivery(request: RawRequest, ctx: ChannelContext<XConfig>): void {
  const signature = request.headers[SIGNATURE_HEADER];
  if (!signature) throw new UnauthorizedError(`${SIGNATURE_HEADER} is required`);
  if (!safeEqual(xSignature(ctx.config.consumerSecret, request.body), signature)) throw new ForbiddenError('the webhook signature does not match');
}

/**
 * The Account Activity webhook. GET is X's challenge-response check (when registering and
 * hourly after): the answer itself proves we hold the consumer secret, so there is nothing to
 * verify on it. POST is a delivery, verified on the raw bytes before it is parsed.
 */
export const xWebhookRoutes: HttpRoute<XConfig>[] = [
  {
    method: 'GET',
    path: '/',
    verify: () => {},
    handle: (request, ctx) => {
      const token = request.query.crc_token;
      if (!token || token.length > 512)
        throw new ValidationError('crc_token is required', [{ field: 'crc_token', message: 'required, at most 512 characters' }]);
      return { response: { status: 200, body: { response_token: xSignature(ctx.config.consumerSecret, token) } } };
    },
  },
  {
    method: 'POST',
    path: '/',
    maxBodyBytes: 512 * 1024,
    verify: verifyDelivery,
    handle: (request) => {
      let body: unknown;
      try {
        body = JSON.parse(request.body.toString('utf8'));
      } catch {
        throw new ValidationError('the body is not valid JSON');
      }
      return { payloads: [body], respond: () => ({ status: 200 }) };
    },
  },
];
