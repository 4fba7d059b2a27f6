import { z } from 'zod';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';

const id = z.string().min(1).max(300);

/**
 * What the bot loop hands over for one WeChat message: the talker, the room it was said in (if
 * any), and its content, with files already in the attachment store.
 */
export const botMessage = z.object({
  id,
  kind: z.enum(['text', 'image', 'file', 'audio', 'video', 'link', 'location']),
  at: z.iso.datetime(),
  talker: z.object({ id, name: z.string().max(300).optional() }),
  room: z.object({ id, topic: z.string().max(300).optional() }).optional(),
  text: z.string().max(20_000).optional(),
  file: z
    .object({
      attachmentId: z.uuid().optional(),
      name: z.string().max(300),
      mimeType: z.string().max(200).optional(),
      size: z.number().int().nonnegative().optional(),
      /** Why the file was not kept (too large, say). */
      note: z.string().max(300).optional(),
    })
    .optional(),
  link: z.object({ url: z.url(), title: z.string().max(500).optional(), description: z.string().max(2000).optional() }).optional(),
  location: z
    .object({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      name: z.string().max(300).optional(),
      address: z.string().max(500).optional(),
    })
    .optional(),
});
export type BotMessage = z.infer<typeof botMessage>;

/** The thread of a room's conversation: a customer writing in a group and directly has two conversations. */
export const roomThread = (roomId: string) => `room:${roomId}`;

function contentOf(m: BotMessage): ContentPart[] {
  switch (m.kind) {
    case 'text':
      return [{ type: 'text', text: m.text ?? '' }];
    case 'link':
      if (!m.link) throw new z.ZodError([{ code: 'custom', path: ['link'], message: 'a link message needs its link', input: m }]);
      return [{ type: 'link', url: m.link.url, title: m.link.title, description: m.link.description }];
    case 'location':
      if (!m.location) throw new z.ZodError([{ code: 'custom', path: ['location'], message: 'a location message needs its place', input: m }]);
      return [
        {
          type: 'location',
          latitude: m.location.latitude,
          longitude: m.location.longitude,
          label: [m.location.name, m.location.address].filter(Boolean).join(', ') || undefined,
        },
      ];
    default: {
      if (!m.file) throw new z.ZodError([{ code: 'custom', path: ['file'], message: `a ${m.kind} message needs its file`, input: m }]);
      const { attachmentId, name, mimeType, size, note } = m.file;
      return [{ type: m.kind, attachmentId, name, mimeType, size, ...(note ? { caption: `not kept: ${note}` } : {}) }];
    }
  }
}

/** One message the bot received → the customer's message; the puppet's message id is the dedupe key. */
export function normalizeBotMessage(payload: unknown): InboundMessage {
  const m = botMessage.parse(payload);
  const parts = contentOf(m);
  if (m.room) parts.push({ type: 'event', name: 'wechaty.room', data: { roomId: m.room.id, topic: m.room.topic ?? null } });
  return {
    externalId: m.id,
    ...(m.room ? { threadKey: roomThread(m.room.id) } : {}),
    sender: { externalId: m.talker.id, ...(m.talker.name ? { displayName: m.talker.name } : {}) },
    parts,
    sentAt: m.at,
    raw: payload,
  };
}
