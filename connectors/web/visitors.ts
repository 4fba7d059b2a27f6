import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import type { WidgetVisitor } from '../../core/connector/platform-tables.js';
import { hmacHex, safeEqual } from '../../core/connector/signatures.js';
import { ForbiddenError, UnauthorizedError } from '../../core/errors.js';
import type { WebConfig } from './connector.js';

export type Visitor = WidgetVisitor;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export const identitySchema = z.object({
  userId: z.string().min(1).max(200),
  email: z.email().optional(),
  name: z.string().max(200).optional(),
  /** hex HMAC-SHA256 of userId under the channel's identity secret, computed by the site's backend. */
  hash: z.string().regex(/^[0-9a-f]{64}$/),
});

export const sessionSchema = z.object({
  token: z.string().max(200).optional(),
  identity: identitySchema.optional(),
  profile: z.record(z.string().max(40), z.string().max(500)).optional(),
});

/**
 * Opens or resumes a visitor's session. The token is opaque (32 random bytes; only its hash is
 * kept). An identity is believed only with a valid HMAC from the site's backend: then the
 * visitor is `u:<userId>` on every device. In mandatory mode anonymous visitors are refused.
 */
export async function openSession(
  ctx: ChannelContext<WebConfig>,
  input: Omit<z.infer<typeof sessionSchema>, 'profile'> & { profile?: Record<string, unknown> },
): Promise<{ token: string; visitor: Visitor }> {
  let identity: z.infer<typeof identitySchema> | undefined;
  if (input.identity) {
    const secret = ctx.config.identitySecret;
    if (!secret || !safeEqual(hmacHex(secret, input.identity.userId), input.identity.hash)) throw new ForbiddenError('the identity signature does not match');
    identity = input.identity;
  } else if (ctx.config.identityMode === 'mandatory') {
    throw new UnauthorizedError('this chat is for signed-in users only');
  }

  const existing = input.token ? await visitorByToken(ctx, input.token) : undefined;
  const profile = {
    ...existing?.profile,
    ...input.profile,
    ...(identity?.email ? { email: identity.email } : {}),
    ...(identity?.name ? { name: identity.name } : {}),
  };
  if (existing && (!identity || existing.externalId === `u:${identity.userId}`)) {
    if (input.profile) await ctx.platform.visitors.setProfile(existing.id, profile);
    return { token: input.token!, visitor: { ...existing, profile } };
  }
  const token = `vt_${randomBytes(32).toString('base64url')}`;
  const externalId = identity ? `u:${identity.userId}` : `v:${randomUUID()}`;
  const visitor = await ctx.platform.visitors.create({ tokenHash: hashToken(token), externalId, identified: identity !== undefined, profile });
  return { token, visitor };
}

export async function visitorByToken(ctx: ChannelContext<WebConfig>, token: string): Promise<Visitor | undefined> {
  if (!token.startsWith('vt_') || token.length > 100) return undefined;
  return ctx.platform.visitors.seenByToken(hashToken(token));
}

/** The visitor a request's bearer token names; 401 otherwise. */
export async function requireVisitor(ctx: ChannelContext<WebConfig>, authorization: string | undefined, queryToken?: string): Promise<Visitor> {
  const token = authorization?.toLowerCase().startsWith('bearer ') ? authorization.slice(7).trim() : queryToken;
  if (!token) throw new UnauthorizedError('a visitor token is required');
  const visitor = await visitorByToken(ctx, token);
  if (!visitor) throw new UnauthorizedError('the visitor token is not valid');
  return visitor;
}
