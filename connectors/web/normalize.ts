import { z } from 'zod';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';

/** A visitor's message as the widget posts it, after the server resolved its token and uploads. */
export const widgetMessageSchema = z
  .object({
    clientMessageId: z.string().min(8).max(100),
    visitor: z.object({
      externalId: z.string().min(1),
      name: z.string().max(200).optional(),
      email: z.string().max(200).optional(),
      phone: z.string().max(60).optional(),
      attributes: z.record(z.string(), z.unknown()).optional(),
    }),
    text: z.string().min(1).max(10_000).optional(),
    attachments: z
      .array(
        z.object({ id: z.uuid(), name: z.string(), mimeType: z.string(), size: z.number().int().nonnegative(), duration: z.number().nonnegative().optional() }),
      )
      .max(10)
      .optional(),
    event: z.object({ name: z.string().min(1).max(100), data: z.record(z.string(), z.unknown()).optional() }).optional(),
    page: z.string().max(2000).optional(),
  })
  .refine((m) => m.text !== undefined || (m.attachments?.length ?? 0) > 0 || m.event !== undefined, {
    message: 'a message needs text, a file or an event',
    path: ['text'],
  });

export type WidgetMessage = z.infer<typeof widgetMessageSchema>;

export function normalizeWidgetMessage(payload: unknown): InboundMessage {
  const m = widgetMessageSchema.parse(payload);
  const parts: ContentPart[] = [];
  if (m.text !== undefined) parts.push({ type: 'text', text: m.text });
  for (const a of m.attachments ?? []) {
    // A voice message is audio with its length; other audio files are shown as files.
    if (a.mimeType.startsWith('audio/') && a.duration !== undefined)
      parts.push({ type: 'audio', attachmentId: a.id, name: a.name, mimeType: a.mimeType, size: a.size, duration: a.duration });
    else parts.push({ type: a.mimeType.startsWith('image/') ? 'image' : 'file', attachmentId: a.id, name: a.name, mimeType: a.mimeType, size: a.size });
  }
  if (m.event) parts.push({ type: 'event', name: m.event.name, data: m.event.data });
  return {
    // The visitor's own id for the message: a resend after a lost answer is the same message.
    externalId: `${m.visitor.externalId}:${m.clientMessageId}`,
    sender: {
      externalId: m.visitor.externalId,
      displayName: m.visitor.name,
      email: m.visitor.email,
      phone: m.visitor.phone,
      attributes: { ...m.visitor.attributes, ...(m.page ? { page: m.page } : {}) },
    },
    parts,
    raw: payload,
  };
}
