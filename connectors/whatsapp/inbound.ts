import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { ChannelContext, HttpRoute } from '../../core/connector/define.js';
import { safeEqual } from '../../core/connector/signatures.js';
import { ForbiddenError, UnauthorizedError, ValidationError } from '../../core/errors.js';
import { updateMessageStatus } from '../../core/connector/status.js';
import { describeFailure } from './api.js';
import type { WhatsAppConfig } from './connector.js';

export const SIGNATURE_HEADER = 'x-hub-signature-256';

const errorSchema = z.object({ code: z.number().optional(), title: z.string().optional(), error_data: z.object({ details: z.string().optional() }).optional() });
const statusSchema = z.object({ id: z.string().min(1), status: z.string(), errors: z.array(errorSchema).optional() });

/**
 * Delivery receipts → the status of our outbound messages (found by their wamid). sent,
 * delivered and read only move forward; failed marks a message WhatsApp accepted and then could
 * not deliver, with the reason the agent sees. Receipts for messages we do not know are ignored.
 */
async function applyStatuses(ctx: ChannelContext<WhatsAppConfig>, statuses: z.infer<typeof statusSchema>[]): Promise<void> {
  for (const s of statuses) {
    if (!['sent', 'delivered', 'read', 'failed'].includes(s.status)) continue;
    const rows = await ctx.db
      .selectFrom('messages')
      .select('id')
      .where('tenant_id', '=', ctx.channel.tenantId)
      .where('channel_id', '=', ctx.channel.id)
      .where('direction', '=', 'out')
      .where('provider_message_id', '=', s.id)
      .execute();
    const e = s.errors?.[0];
    const error = s.status === 'failed' ? describeFailure(e?.code, e?.error_data?.details ?? e?.title ?? 'delivery failed') : undefined;
    await updateMessageStatus(ctx.db, { tenantId: ctx.channel.tenantId, messageIds: rows.map((r) => r.id), status: s.status as 'sent', error });
  }
}

const webhookSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z.array(z.object({ id: z.string(), changes: z.array(z.object({ field: z.string(), value: z.record(z.string(), z.unknown()) })) })),
});
const valueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string(), display_phone_number: z.string().optional() }),
  contacts: z.array(z.object({ wa_id: z.string(), profile: z.object({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(z.object({ from: z.string() }).loose()).optional(),
  statuses: z.array(statusSchema).optional(),
});


/** The app secret's HMAC-SHA256 over the raw body, compared in constant time, before anything is parsed. */
function verifySignature(request: { headers: Record<string, string>; body: Buffer }, ctx: ChannelContext<WhatsAppConfig>): void {
  const signature = request.headers[SIGNATURE_HEADER];
  if (!signature) throw new UnauthorizedError('the X-Hub-Signature-256 header is missing');
  const expected = `sha256=${createHmac('sha256', ctx.config.appSecret).update(request.body).digest('hex')}`;
  if (!safeEqual(signature.toLowerCase(), expected)) throw new ForbiddenError('the X-Hub-Signature-256 signature does not match');
}

export const whatsappRoutes: HttpRoute<WhatsAppConfig>[] = [
  {
    // Meta's check of the callback URL: echo hub.challenge when the verify token matches.
    method: 'GET',
    path: '/',
    verify(request, ctx) {
      if (request.query['hub.mode'] !== 'subscribe' || !safeEqual(request.query['hub.verify_token'] ?? '', ctx.config.verifyToken)) {
        throw new ForbiddenError('the verify token does not match');
      }
    },
    handle: (request) => ({ response: { status: 200, body: request.query['hub.challenge'] ?? '' } }),
  },
  {
    method: 'POST',
    path: '/',
    maxBodyBytes: 3 * 1024 * 1024,
    verify: verifySignature,
    async handle(request, ctx) {
      let body: unknown;
      try {
        body = JSON.parse(request.body.toString('utf8'));
      } catch {
        throw new ValidationError('the body is not valid JSON');
      }
      // Each customer message goes to normalize with its sender's profile.
      const payloads: { message: unknown; contact?: unknown }[] = [];
      for (const entry of webhookSchema.parse(body).entry) {
        for (const change of entry.changes) {
          if (change.field !== 'messages') continue;
          const value = valueSchema.parse(change.value);
          // One Meta app may serve several numbers: this channel takes its own only.
          if (value.metadata.phone_number_id !== ctx.config.phoneNumberId) continue;
          if (value.statuses?.length) await applyStatuses(ctx, value.statuses);
          for (const message of value.messages ?? []) payloads.push({ message, contact: value.contacts?.find((c) => c.wa_id === message.from) });
        }
      }
      return { payloads };
    },
  },
];
