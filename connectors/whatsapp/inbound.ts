import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ChannelContext, HttpRoute, RawRequest } from '../../core/connector/define.js';
import { safeEqual } from '../../core/connector/signatures.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import { describeFailure } from './api.js';
import type { WhatsAppConfig } from './connector.js';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

const errorSchema = z.object({
  code: z.number().optional(),
  title: z.string().optional(),
  error_data: z.object({ details: z.string().optional() }).optional(),
});
const statusSchema = z.object({ id: z.string().min(1), status: z.string(), errors: z.array(errorSchema).optional() });
const changeSchema = z.object({ field: z.string(), value: z.record(z.string(), z.unknown()) });
const webhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string(), changes: z.array(changeSchema) })),
});
const valueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(z.object({ from: z.string() }).loose()).optional(),
  statuses: z.array(statusSchema).optional(),
});

/**
 * Delivery receipts → the status of our outbound messages (found by their wamid). sent,
 * delivered and read only move forward; failed marks a message WhatsApp accepted and then could
 * not deliver, with the reason the agent sees. Receipts for messages we do not know are ignored.
 */
async function applyStatuses(ctx: ChannelContext<WhatsAppConfig>, statuses: z.infer<typeof statusSchema>[]): Promise<void> {
  for (const s of statuses.filter((s) => ['sent', 'delivered', 'read', 'failed'].includes(s.status))) {
    const e = s.errors?.[0];
    const error = s.status === 'failed' ? describeFailure(e?.code, e?.error_data?.details ?? e?.title ?? 'delivery failed') : undefined;
    await ctx.platform.replies.statusByProviderId(s.id, s.status as 'sent', error);
  }
}

/** The app secret's HMAC-SHA256 over the raw body, compared in constant time, before anything is parsed. */
function verifySignature(request: RawRequest, ctx: ChannelContext<WhatsAppConfig>): void {
  const signature = request.headers[SIGNATURE_HEADER];
  if (!signature) throw new UnauthorizedError('the X-Hub-Signature-256 header is missing');
  const expected = `sha256=${createHmac('sha256', ctx.config.appSecret).update(request.body).digest('hex')}`;
  if (!safeEqual(signature.toLowerCase(), expected)) throw new ForbiddenError('the X-Hub-Signature-256 signature does not match');
}

/** Each customer message goes to normalize with its sender's profile; receipts are applied here. */
async function messagesOf(ctx: ChannelContext<WhatsAppConfig>, body: Buffer): Promise<{ message: unknown; contact?: unknown }[]> {
  let webhook: z.infer<typeof webhookSchema>;
  try {
    webhook = webhookSchema.parse(JSON.parse(body.toString('utf8')));
  } catch (error) {
    throw error instanceof SyntaxError ? new ValidationError('the body is not valid JSON') : error;
  }
  const changes = webhook.entry.flatMap((entry) => entry.changes.filter((change) => change.field === 'messages'));
  const payloads: { message: unknown; contact?: unknown }[] = [];
  for (const value of changes.map((change) => valueSchema.parse(change.value))) {
    // One Meta app may serve several numbers: this channel takes its own only.
    if (value.metadata.phone_number_id !== ctx.config.phoneNumberId) continue;
    if (value.statuses?.length) await applyStatuses(ctx, value.statuses);
    for (const message of value.messages ?? []) payloads.push({ message, contact: value.contacts?.find((c) => c.wa_id === message.from) });
  }
  return payloads;
}

export const whatsappRoutes: HttpRoute<WhatsAppConfig>[] = [
  {
    // Meta's check of the callback URL: echo hub.challenge when the verify token matches.
    method: 'GET',
    path: '/',
    verify(request, ctx) {
      const ok = request.query['hub.mode'] === 'subscribe' && safeEqual(request.query['hub.verify_token'] ?? '', ctx.config.verifyToken);
      if (!ok) throw new ForbiddenError('the verify token does not match');
    },
    handle: (request) => ({ response: { status: 200, body: request.query['hub.challenge'] ?? '' } }),
  },
  {
    method: 'POST',
    path: '/',
    maxBodyBytes: 3 * 1024 * 1024,
    verify: verifySignature,
    handle: async (request, ctx) => ({ payloads: await messagesOf(ctx, request.body) }),
  },
];
