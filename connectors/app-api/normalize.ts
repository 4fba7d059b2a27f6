import { z } from 'zod';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';

const attachment = z.object({
  type: z.enum(['image', 'file', 'audio', 'video']),
  url: z.url({ protocol: /^https?$/ }),
  name: z.string().max(255).optional(),
  mimeType: z.string().max(127).optional(),
  size: z.number().int().nonnegative().optional(),
  caption: z.string().max(4000).optional(),
});

/** One message as the company's backend posts it. `clientMessageId` makes retries idempotent. */
export const appMessageSchema = z
  .object({
    clientMessageId: z.string().min(1).max(200),
    user: z.object({
      id: z.string().min(1).max(200),
      name: z.string().max(200).optional(),
      email: z.email().optional(),
      phone: z.string().max(40).optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    }),
    threadKey: z.string().max(200).optional(),
    text: z.string().min(1).max(20_000).optional(),
    attachments: z.array(attachment).max(10).optional(),
    event: z.object({ name: z.string().min(1).max(100), data: z.record(z.string(), z.unknown()).optional() }).optional(),
    sentAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((m) => m.text !== undefined || (m.attachments?.length ?? 0) > 0 || m.event !== undefined, {
    message: 'a message needs text, attachments or an event',
    path: ['text'],
  });

export type AppMessage = z.infer<typeof appMessageSchema>;

export function normalizeAppMessage(payload: unknown): InboundMessage {
  const m = appMessageSchema.parse(payload);
  const parts: ContentPart[] = [];
  if (m.text !== undefined) parts.push({ type: 'text', text: m.text });
  for (const a of m.attachments ?? []) parts.push({ type: a.type, url: a.url, name: a.name, mimeType: a.mimeType, size: a.size, caption: a.caption });
  if (m.event) parts.push({ type: 'event', name: m.event.name, data: m.event.data });
  return {
    externalId: m.clientMessageId,
    threadKey: m.threadKey,
    sender: { externalId: m.user.id, displayName: m.user.name, email: m.user.email, phone: m.user.phone, attributes: m.user.attributes },
    parts,
    sentAt: m.sentAt,
    raw: payload,
  };
}
