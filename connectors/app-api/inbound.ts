import { sql } from 'kysely';
import type { HttpRoute, RawRequest, ChannelContext } from '../../core/connector/define.js';
import { gatewayMessageId } from '../../core/domain/message-ref.js';
import type { InboundMessage } from '../../core/domain/messages.js';
import { verifyApiKey } from '../../core/connector/api-keys.js';
import { checkSignature } from '../../core/connector/signatures.js';
import { createHash } from 'node:crypto';
import { rateLimiter } from '../../core/http/rate-limit.js';
import { ForbiddenError, RateLimitedError, UnauthorizedError, UnsupportedMediaTypeError, ValidationError } from '../../core/errors.js';
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
  const limit = ctx.config.rateLimitPerMinute;
  const wait = rateLimiter('app-api-key', limit).take(`${ctx.channel.id}:${createHash('sha256').update(key).digest('base64url')}`);
  if (wait > 0) throw new RateLimitedError(`this API key made more than ${limit} requests a minute`, wait);
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
    throw new UnsupportedMediaTypeError('application/json');
  }
  try {
    return JSON.parse(request.body.toString('utf8'));
  } catch {
    throw new ValidationError('the body is not valid JSON');
  }
}

/**
 * What the 202 names for each accepted message: the message id (the same for a replayed request;
 * the stored message lists it as `gatewayId`) and its conversation once the message is stored (a
 * replay of an earlier request), else null — it is threaded moments later.
 */
async function acceptedAnswer(ctx: ChannelContext<AppApiConfig>, accepted: InboundMessage[]) {
  const ids = accepted.map((m) => m.externalId);
  // One probe of the channel's message ids per message (`messages_external`, the only index that
  // fits). The company and direction are checked on the row found: as conditions of the scan
  // they let PostgreSQL read the company's messages through a tenant index instead, a cost that
  // grew with every message stored.
  const stored = ids.length
    ? (
        await sql<{ external_id: string; conversation_id: string }>`
          select k.external_id, s.conversation_id
          from unnest(${ids}::text[]) as k(external_id)
          cross join lateral (
            select m.conversation_id, m.tenant_id, m.direction from messages m
            where m.channel_id = ${ctx.channel.id} and m.external_id = k.external_id limit 1
          ) s
          where s.tenant_id = ${ctx.channel.tenantId} and s.direction = 'in'`.execute(ctx.db)
      ).rows
    : [];
  const conversations = new Map(stored.map((r) => [r.external_id, r.conversation_id]));
  return accepted.map((m) => ({
    clientMessageId: m.externalId,
    messageId: gatewayMessageId(ctx.channel.id, m.externalId),
    conversationId: conversations.get(m.externalId) ?? null,
  }));
}

export const appApiRoutes: HttpRoute<AppApiConfig>[] = [
  {
    method: 'POST',
    path: '/messages',
    maxBodyBytes: 256 * 1024,
    verify: verifyAppRequest,
    handle: (request, ctx) => ({
      payloads: [parseJsonBody(request)],
      respond: async (accepted) => ({ status: 202, body: { accepted: await acceptedAnswer(ctx, accepted) } }),
    }),
  },
];
