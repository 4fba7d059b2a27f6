import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';
import { storeMedia } from './api.js';
import type { WhatsAppConfig } from './connector.js';

const media = z.object({ id: z.string().min(1), mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional() });
const reply = z.object({ id: z.string(), title: z.string() });
const messageSchema = z.object({
  from: z.string().min(1),
  id: z.string().min(1),
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string(),
  text: z.object({ body: z.string() }).optional(),
  ...{ image: media.optional(), document: media.optional(), audio: media.optional(), video: media.optional(), sticker: media.optional() },
  location: z
    .object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180), name: z.string().optional(), address: z.string().optional() })
    .optional(),
  interactive: z.object({ button_reply: reply.optional(), list_reply: reply.optional() }).optional(),
  button: z.object({ payload: z.string().optional(), text: z.string() }).optional(),
  context: z.object({ id: z.string().optional() }).optional(),
  contacts: z.array(z.object({ name: z.object({ formatted_name: z.string() }), phones: z.array(z.object({ phone: z.string() })).optional() })).optional(),
});
const payloadSchema = z.object({ message: messageSchema, contact: z.object({ profile: z.object({ name: z.string().optional() }).optional() }).optional() });

const MEDIA_KIND = { image: 'image', sticker: 'image', document: 'file', audio: 'audio', video: 'video' } as const;

/** One customer message → InboundMessage; the wamid is the dedupe key, so Meta's retries are stored once. */
export async function normalizeWhatsApp(payload: unknown, ctx: ChannelContext<WhatsAppConfig>): Promise<InboundMessage> {
  const { message: m, contact } = payloadSchema.parse(payload);
  const parts: ContentPart[] = [];
  if (m.text) parts.push({ type: 'text', text: m.text.body });
  for (const key of Object.keys(MEDIA_KIND) as (keyof typeof MEDIA_KIND)[]) {
    const file = m[key];
    if (file)
      parts.push({
        type: MEDIA_KIND[key],
        providerId: file.id,
        mimeType: file.mime_type,
        name: file.filename,
        caption: file.caption,
        attachmentId: await storeMedia(ctx, file.id, m.from, file.filename ?? `${key}-${file.id}`),
      });
  }
  if (m.location)
    parts.push({
      type: 'location',
      latitude: m.location.latitude,
      longitude: m.location.longitude,
      label: [m.location.name, m.location.address].filter(Boolean).join(', ') || undefined,
    });
  for (const c of m.contacts ?? [])
    parts.push({ type: 'text', text: `Shared a contact: ${[c.name.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].join(', ')}` });
  const chosen =
    m.interactive?.button_reply ?? m.interactive?.list_reply ?? (m.button ? { id: m.button.payload ?? m.button.text, title: m.button.text } : undefined);
  if (chosen)
    parts.push(
      { type: 'text', text: chosen.title },
      { type: 'event', name: 'reply.chosen', data: { id: chosen.id, title: chosen.title, inReplyTo: m.context?.id } },
    );
  if (parts.length === 0)
    parts.push({ type: 'event', name: 'message.unsupported', data: { whatsappType: m.type, note: 'a kind of WhatsApp message Switchboard does not show' } });
  const sender = { externalId: m.from, displayName: contact?.profile?.name, phone: `+${m.from}`, verified: ['phone'] as const };
  return { externalId: m.id, sender, parts, sentAt: new Date(Number(m.timestamp) * 1000).toISOString(), raw: payload };
}
