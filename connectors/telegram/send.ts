import { audioAs } from '../../core/attachments/convert-audio.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import { callBot } from './api.js';
import type { TelegramConfig } from './connector.js';

type Ctx = ChannelContext<TelegramConfig>;
type SentMessage = { message_id: number };

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const PHOTO_LIMIT = 10 * 1024 * 1024;
const MEDIA = { image: ['sendPhoto', 'photo'], file: ['sendDocument', 'document'], audio: ['sendAudio', 'audio'], video: ['sendVideo', 'video'] } as const;
/** What sendVoice plays as a voice note: Opus in OGG. */
const VOICE_TYPES = ['audio/ogg; codecs=opus', 'audio/opus'];
/** What sendAudio plays: MP3 and M4A. */
const AUDIO_TYPES = ['audio/mpeg', 'audio/mp4', 'audio/x-m4a'];

/**
 * Sends an agent's reply to the customer's chat, one Bot API call per part (long text in
 * several messages). Returns the chat and message id of the last message sent.
 */
export async function sendToTelegram(outbound: OutboundEnvelope, ctx: Ctx): Promise<string> {
  const chatId = outbound.recipient.externalId;
  let last: SentMessage | undefined;
  for (const part of outbound.parts) last = await sendPart(ctx, chatId, part);
  if (!last) throw ConnectorError.permanent('the reply has nothing Telegram can show', 'empty');
  return `${chatId}:${last.message_id}`;
}

async function sendPart(ctx: Ctx, chat_id: string, part: ContentPart): Promise<SentMessage> {
  if (part.type === 'event') throw ConnectorError.permanent(`Telegram cannot show the event "${part.name}"`, 'unsupported');
  if (part.type === 'location') return callBot(ctx, 'sendLocation', { chat_id, latitude: part.latitude, longitude: part.longitude });
  if (part.type === 'audio' && part.attachmentId) return sendVoice(ctx, chat_id, part);
  if (part.type !== 'text' && part.type !== 'link') return sendMedia(ctx, chat_id, part);
  const text = part.type === 'text' ? part.text : [part.title, part.url].filter(Boolean).join('\n');
  // A link is previewed under its text, as Telegram's own clients do.
  const preview = part.type === 'link' ? { link_preview_options: { url: part.url } } : {};
  let sent: SentMessage | undefined;
  for (let at = 0; at < text.length || !sent; at += TEXT_LIMIT)
    sent = await callBot<SentMessage>(ctx, 'sendMessage', { chat_id, text: text.slice(at, at + TEXT_LIMIT) || ' ', ...preview });
  return sent;
}

async function sendMedia(ctx: Ctx, chat_id: string, part: Extract<ContentPart, { type: 'image' | 'file' | 'audio' | 'video' }>): Promise<SentMessage> {
  // A caption Telegram would refuse goes as a text after the media.
  const caption = part.caption && part.caption.length <= CAPTION_LIMIT ? part.caption : undefined;
  let [method, field]: readonly [string, string] = MEDIA[part.type];
  let media: string | File | undefined = part.url || part.providerId;
  if (part.attachmentId) {
    const { file, bytes } = await ctx.attachments.read(part.attachmentId);
    // Telegram takes photos up to 10 MB; a larger picture goes as a document.
    if (part.type === 'image' && bytes.length > PHOTO_LIMIT) [method, field] = MEDIA.file;
    media = new File([new Uint8Array(bytes)], file.name, { type: file.mimeType });
  }
  if (!media) throw ConnectorError.permanent(`the ${part.type} has no file to send`, 'no_file');
  const sent = await callBot<SentMessage>(ctx, method, { chat_id, caption, [field]: media });
  if (part.caption && !caption) return sendPart(ctx, chat_id, { type: 'text', text: part.caption });
  return sent;
}

/**
 * A stored recording: a voice note when it is (or, with ffmpeg, becomes) Opus in OGG, with its
 * length; else MP3 and M4A as audio, and anything else (a browser's WebM without ffmpeg) as a file.
 */
async function sendVoice(ctx: Ctx, chat_id: string, part: Extract<ContentPart, { type: 'image' | 'file' | 'audio' | 'video' }>): Promise<SentMessage> {
  const { file, bytes } = await ctx.attachments.read(part.attachmentId!);
  const caption = part.caption && part.caption.length <= CAPTION_LIMIT ? part.caption : undefined;
  const duration = part.duration !== undefined ? Math.max(1, Math.round(part.duration)) : undefined;
  const voice = await audioAs({ name: file.name, mimeType: file.mimeType, bytes }, VOICE_TYPES, 'ogg-opus');
  let sent: SentMessage;
  if (voice) {
    const upload = new File([new Uint8Array(voice.bytes)], voice.name, { type: 'audio/ogg' });
    sent = await callBot<SentMessage>(ctx, 'sendVoice', { chat_id, voice: upload, duration, caption });
  } else {
    const [method, field] = AUDIO_TYPES.includes(file.mimeType) ? MEDIA.audio : MEDIA.file;
    sent = await callBot<SentMessage>(ctx, method, {
      chat_id,
      caption,
      [field]: new File([new Uint8Array(bytes)], file.name, { type: file.mimeType }),
      ...(field === 'audio' ? { duration } : {}),
    });
  }
  if (part.caption && !caption) return sendPart(ctx, chat_id, { type: 'text', text: part.caption });
  return sent;
}
