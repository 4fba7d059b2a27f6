import { z } from 'zod';
import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart, InboundMessage } from '../../core/domain/messages.js';
import { storeTelegramFile } from './api.js';
import type { TelegramConfig } from './connector.js';

const file = z.object({
  file_id: z.string().min(1),
  file_unique_id: z.string(),
  file_name: z.string().optional(),
  mime_type: z.string().optional(),
  file_size: z.number().int().nonnegative().optional(),
});
const name = { first_name: z.string().optional(), last_name: z.string().optional() };
const message = z.object({
  message_id: z.number().int(),
  date: z.number().int(),
  edit_date: z.number().int().optional(),
  chat: z.object({ id: z.number().int(), type: z.string(), title: z.string().optional(), ...name }),
  from: z.object({ id: z.number().int(), is_bot: z.boolean(), username: z.string().optional(), language_code: z.string().optional(), ...name }).optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z
    .array(file.extend({ width: z.number().int(), height: z.number().int() }))
    .min(1)
    .optional(),
  ...{
    document: file.optional(),
    voice: file.extend({ duration: z.number().nonnegative().optional() }).optional(),
    audio: file.extend({ duration: z.number().nonnegative().optional() }).optional(),
    video: file.optional(),
  },
  location: z.object({ latitude: z.number().min(-90).max(90), longitude: z.number().min(-180).max(180) }).optional(),
  contact: z.object({ phone_number: z.string(), first_name: z.string(), last_name: z.string().optional(), user_id: z.number().int().optional() }).optional(),
});

/** The updates Switchboard asks Telegram for (setWebhook / getUpdates `allowed_updates`). */
export const ALLOWED_UPDATES = ['message', 'edited_message'];

/** Telegram's media fields: the kind each becomes, and a name for a file sent without one. */
const MEDIA = [
  ['photo', 'image', 'photo.jpg'],
  ['document', 'file', 'document'],
  ['voice', 'audio', 'voice.ogg'],
  ['audio', 'audio', 'audio'],
  ['video', 'video', 'video.mp4'],
] as const;

export const updateSchema = z.object({ update_id: z.number().int().nonnegative(), message: message.optional(), edited_message: message.optional() });

/**
 * One Bot API update → the customer's message. A chat's message id is the dedupe key, so a
 * webhook Telegram sends again or an update polled twice is stored once; an edit is a message
 * of its own (keyed by its edit time) that says which message it changes.
 */
export async function normalizeUpdate(payload: unknown, ctx: ChannelContext<TelegramConfig>): Promise<InboundMessage[]> {
  const update = updateSchema.parse(payload);
  const m = update.message ?? update.edited_message;
  if (!m) return []; // another kind of update: acknowledged, nothing to store
  const [chatId, original] = [String(m.chat.id), `${m.chat.id}:${m.message_id}`];
  const edited = update.edited_message !== undefined;
  const parts = await contentOf(m, ctx, chatId);
  if (edited)
    parts.unshift({ type: 'event', name: 'message.edited', data: { externalId: original, editedAt: new Date((m.edit_date ?? m.date) * 1000).toISOString() } });
  const displayName = [m.chat.first_name ?? m.from?.first_name, m.chat.last_name ?? m.from?.last_name].filter(Boolean).join(' ') || m.chat.title;
  const sender = { externalId: chatId, displayName, attributes: { telegramUserId: m.from?.id, username: m.from?.username, chatType: m.chat.type } };
  const externalId = edited ? `${original}:edit:${m.edit_date ?? update.update_id}` : original;
  return [{ externalId, sender, parts, sentAt: new Date(m.date * 1000).toISOString(), language: m.from?.language_code, raw: payload }];
}

async function contentOf(m: z.infer<typeof message>, ctx: ChannelContext<TelegramConfig>, owner: string): Promise<ContentPart[]> {
  const parts: ContentPart[] = [];
  if (m.text !== undefined) parts.push({ type: 'text', text: m.text });
  for (const [field, type, fallbackName] of MEDIA) {
    // Telegram sends a photo in several sizes, the largest last.
    const f = field === 'photo' ? m.photo?.at(-1) : m[field];
    if (!f) continue;
    // A voice note's or a song's length, so the console shows it before anyone presses play.
    const seconds = 'duration' in f ? (f.duration as number | undefined) : undefined;
    const duration = seconds !== undefined ? { duration: seconds } : {};
    parts.push({
      type,
      attachmentId: await storeTelegramFile(ctx, f, owner, fallbackName),
      providerId: f.file_id,
      name: f.file_name,
      mimeType: f.mime_type,
      size: f.file_size,
      caption: m.caption,
      ...duration,
    });
  }
  if (m.location) parts.push({ type: 'location', ...m.location });
  if (m.contact)
    parts.push({ type: 'text', text: `Shared a contact: ${[m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ')}, ${m.contact.phone_number}` });
  if (parts.length === 0)
    parts.push({ type: 'event', name: 'message.unsupported', data: { note: 'a kind of Telegram message Switchboard does not show (a sticker, a poll, …)' } });
  return parts;
}
