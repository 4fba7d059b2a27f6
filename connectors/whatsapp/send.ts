import { audioAs } from '../../core/attachments/convert-audio.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import { graph } from './api.js';
import type { WhatsAppConfig } from './connector.js';

type Ctx = ChannelContext<WhatsAppConfig>;

/** WhatsApp's customer-service window: free-form replies only this long after the customer's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** An event part with this name sends an approved template: `data: { name, language, parameters? }`. */
export const TEMPLATE_EVENT = 'whatsapp.template';
const TEXT_LIMIT = 4096;
const TYPE = { image: 'image', file: 'document', audio: 'audio', video: 'video' } as const;
/** The audio WhatsApp takes (Meta's supported media types), by our sniffed type → the type named on upload. */
const AUDIO_UPLOAD_TYPES: Record<string, string> = {
  'audio/ogg; codecs=opus': 'audio/ogg',
  'audio/opus': 'audio/ogg',
  'audio/aac': 'audio/aac',
  'audio/amr': 'audio/amr',
  'audio/mpeg': 'audio/mpeg',
  'audio/mp4': 'audio/mp4',
  'audio/x-m4a': 'audio/mp4',
};

/**
 * Sends an agent's reply, one Cloud API message per part. Inside the 24-hour window anything
 * goes; outside it only a template, and the agent is told why before anything is sent.
 */
export async function sendToWhatsApp(outbound: OutboundEnvelope, ctx: Ctx): Promise<string> {
  const to = outbound.recipient.externalId;
  if (!outbound.parts.every((p) => p.type === 'event' && p.name === TEMPLATE_EVENT)) await checkWindow(ctx, to);
  const send = (body: Record<string, unknown>) =>
    graph<{ messages: { id: string }[] }>(ctx, `${ctx.config.phoneNumberId}/messages`, {
      json: { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...body },
    });
  let wamid: string | undefined;
  for (const part of outbound.parts) {
    for (const body of await bodiesFor(ctx, part)) wamid = (await send(body)).messages[0]?.id;
  }
  if (!wamid) throw ConnectorError.permanent('the reply has nothing WhatsApp can show', 'empty');
  return wamid;
}

async function checkWindow(ctx: Ctx, waId: string): Promise<void> {
  const last = await ctx.platform.messages.lastInboundAt(waId);
  if (last && Date.now() - last.getTime() < SERVICE_WINDOW_MS) return;
  const since = last
    ? `The customer last wrote ${Math.floor((Date.now() - last.getTime()) / 3_600_000)} hours ago`
    : 'The customer has not written on WhatsApp yet';
  const rule =
    "WhatsApp allows a free-form reply only within 24 hours of the customer's last message. Send an approved template instead; a reply from the customer opens the window again.";
  throw ConnectorError.permanent(`${since}: ${rule}`, 'outside_window');
}

async function bodiesFor(ctx: Ctx, part: ContentPart): Promise<Record<string, unknown>[]> {
  if (part.type === 'text') {
    const chunks = Array.from({ length: Math.max(1, Math.ceil(part.text.length / TEXT_LIMIT)) }, (_, i) =>
      part.text.slice(i * TEXT_LIMIT, (i + 1) * TEXT_LIMIT),
    );
    return chunks.map((body) => ({ type: 'text', text: { body, preview_url: false } }));
  }
  if (part.type === 'link') return [{ type: 'text', text: { body: [part.title, part.url].filter(Boolean).join('\n'), preview_url: true } }];
  if (part.type === 'location') return [{ type: 'location', location: { latitude: part.latitude, longitude: part.longitude, name: part.label || undefined } }];
  if (part.type === 'event') {
    if (part.name !== TEMPLATE_EVENT) throw ConnectorError.permanent(`WhatsApp cannot show the event "${part.name}"`, 'unsupported');
    const { name, language, parameters = [] } = (part.data ?? {}) as { name?: string; language?: string; parameters?: string[] };
    if (!name || !language) throw ConnectorError.permanent('a template needs its name and language', 'template');
    const components = parameters.length ? [{ type: 'body', parameters: parameters.map((text) => ({ type: 'text', text: String(text) })) }] : [];
    return [{ type: 'template', template: { name, language: { code: language }, components } }];
  }
  if (part.type === 'audio' && part.attachmentId) return [await audioBody(ctx, part.attachmentId)];
  const type = TYPE[part.type];
  // WhatsApp shows no caption under audio; JSON leaves out what is undefined.
  const media: Record<string, unknown> = { link: part.url, caption: type === 'audio' ? undefined : part.caption || undefined };
  if (part.attachmentId) {
    const { file, bytes } = await ctx.attachments.read(part.attachmentId);
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', file.mimeType);
    form.set('file', new Blob([new Uint8Array(bytes)], { type: file.mimeType }), file.name);
    const { id } = await graph<{ id: string }>(ctx, `${ctx.config.phoneNumberId}/media`, { form });
    Object.assign(media, { link: undefined, id, filename: type === 'document' ? file.name : undefined });
  } else if (!part.url) throw ConnectorError.permanent(`the ${part.type} has no file to send`, 'no_file');
  return [{ type, [type]: media }];
}

/**
 * A stored recording as a WhatsApp audio message: Opus in OGG goes as a voice message (`voice:
 * true`: the voice icon, automatic download); a browser's WebM is converted to it with ffmpeg;
 * AAC, AMR, MP3 and M4A go as plain audio. Audio WhatsApp does not take fails with the reason.
 */
async function audioBody(ctx: Ctx, attachmentId: string): Promise<Record<string, unknown>> {
  const { file, bytes } = await ctx.attachments.read(attachmentId);
  const audio = await audioAs({ name: file.name, mimeType: file.mimeType, bytes }, Object.keys(AUDIO_UPLOAD_TYPES), 'ogg-opus');
  if (!audio)
    throw ConnectorError.permanent(
      `WhatsApp takes audio as OGG (Opus), AAC, AMR, MP3 or M4A, not ${file.mimeType}; install ffmpeg on the server to convert recordings`,
      'unsupported',
    );
  const uploadType = AUDIO_UPLOAD_TYPES[audio.mimeType] ?? audio.mimeType;
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', uploadType);
  form.set('file', new Blob([new Uint8Array(audio.bytes)], { type: uploadType }), audio.name);
  const { id } = await graph<{ id: string }>(ctx, `${ctx.config.phoneNumberId}/media`, { form });
  return { type: 'audio', audio: uploadType === 'audio/ogg' ? { id, voice: true } : { id } };
}
