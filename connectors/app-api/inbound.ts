import type { HttpRoute, RawRequest, ChannelContext } from '../../core/connector/define.js';
import { verifyApiKey } from '../../core/connector/api-keys.js';
import { checkSignature } from '../../core/connector/signatures.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import type { AppApiConfig } from './connector.js';

export const HEADER_TIMESTAMP = 'x-switchboard-timestamp';
export const HEADER_SIGNATURE = 'x-switchboard-signature';
export const HEADER_DELIVERY = 'x-switchboard-delivery';

function apiKeyOf(request: RawRequest): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim();
  return request.headers['x-api-key'];
}

/** The API key first (who), then, when the channel has a signing secret, the signature (what, and when). */
export async function verifyAppRequest(request: RawRequest, ctx: ChannelContext<AppApiConfig>): Promise<void> {
  const key = apiKeyOf(request);
  if (!key) throw new UnauthorizedError('an API key is required (Authorization: Bearer <key>)');
  if (!(await verifyApiKey(ctx.db, ctx.channel.id, key))) throw new UnauthorizedError('the API key is not valid for this channel');
  if (!ctx.config.signingSecret) return;
  const check = checkSignature(
    ctx.config.signingSecret,
    request.headers[HEADER_TIMESTAMP],
    request.headers[HEADER_SIGNATURE],
    request.body,
    ctx.config.replayWindowSeconds,
  );
  if (check === 'missing') throw new UnauthorizedError(`this channel requires signed requests (${HEADER_TIMESTAMP}, ${HEADER_SIGNATURE})`);
  if (check === 'stale') throw new ForbiddenError('the request timestamp is outside the replay window');
  if (check === 'mismatch') throw new ForbiddenError('the request signature does not match');
}

export function parseJsonBody(request: RawRequest): unknown {
  const type = request.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw new ValidationError('send JSON', [{ field: 'content-type', message: 'must be application/json' }]);
  }
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new ValidationError('the body is not valid JSON');
  }
}

export const appApiRoutes: HttpRoute<AppApiConfig>[] = [
  {
    method: 'POST',
    path: '/messages',
    maxBodyBytes: 256 * 1024,
    verify: verifyAppRequest,
    handle: (request) => ({
      payloads: [parseJsonBody(request)],
      respond: (accepted) => ({ status: 202, body: { accepted: accepted.map((m) => ({ clientMessageId: m.externalId })) } }),
    }),
  },
];
