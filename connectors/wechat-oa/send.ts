import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork, errorForStatus } from '../../core/connector/errors.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';

type MediaPart = Extract<ContentPart, { attachmentId?: string }>;
import { fileTypeFromBuffer } from 'file-type';
import { audioAs } from '../../core/attachments/convert-audio.js';
import { callWithToken } from './api.js';
import type { WechatOaConfig } from './connector.js';
import { uploadMedia } from './media.js';
import { closeReplyWindow, releaseReplies, reserveReplies } from './window.js';

type Ctx = ChannelContext<WechatOaConfig>;

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/bmp'];
/** WeChat's limit for temporary images. */
const IMAGE_MAX_BYTES = 10 * 1024 * 1024;
/** Voice media: AMR or MP3, at most 2 MB and 60 s (media upload, type voice). */
const VOICE_TYPES = ['audio/amr', 'audio/mpeg'];
const VOICE_MAX_BYTES = 2 * 1024 * 1024;
const VOICE_MAX_SECONDS = 60;

/** The customer-service message for one part; images are uploaded first. */
async function messageFor(ctx: Ctx, touser: string, part: ContentPart): Promise<Record<string, unknown>> {
  switch (part.type) {
    case 'text':
      return { touser, msgtype: 'text', text: { content: part.text } };
    case 'image':
      return { touser, msgtype: 'image', image: { media_id: await imageMediaId(ctx, part) } };
    case 'audio':
      return { touser, msgtype: 'voice', voice: { media_id: await voiceMediaId(ctx, part) } };
    case 'link':
      return { touser, msgtype: 'news', news: { articles: [{ title: part.title ?? part.url, description: part.description ?? '', url: part.url }] } };
    default:
      throw ConnectorError.permanent(`a WeChat Official Account cannot send ${part.type} messages`, 'unsupported');
  }
}

async function imageMediaId(ctx: Ctx, part: MediaPart): Promise<string> {
  if (part.attachmentId) {
    const { file, bytes } = await ctx.attachments.read(part.attachmentId);
    if (!IMAGE_TYPES.includes(file.mimeType)) throw ConnectorError.permanent(`WeChat sends JPEG, PNG, GIF or BMP images, not ${file.mimeType}`, 'unsupported');
    if (bytes.length > IMAGE_MAX_BYTES) throw ConnectorError.permanent('WeChat sends images up to 10 MB', 'too_large');
    return uploadMedia(ctx, 'image', { name: file.name, mimeType: file.mimeType, bytes });
  }
  if (part.url) {
    const { bytes, mimeType } = await fetchImage(ctx, part.url);
    return uploadMedia(ctx, 'image', { name: part.name ?? 'image', mimeType, bytes });
  }
  if (part.providerId) return part.providerId;
  throw ConnectorError.permanent('the image has no file to send', 'no_file');
}

/**
 * A recording as WeChat voice media: an MP3 or AMR as it is, a browser's WebM or M4A converted
 * to MP3 with ffmpeg. Without ffmpeg, or past WeChat's limits, the agent is told why: the
 * customer-service API has no file message to fall back to.
 */
async function voiceMediaId(ctx: Ctx, part: MediaPart): Promise<string> {
  if ('duration' in part && part.duration !== undefined && part.duration > VOICE_MAX_SECONDS)
    throw ConnectorError.permanent('WeChat sends voice messages up to 60 seconds', 'too_long');
  let file: { name: string; mimeType: string; bytes: Buffer };
  if (part.attachmentId) {
    const stored = await ctx.attachments.read(part.attachmentId);
    file = { name: stored.file.name, mimeType: stored.file.mimeType, bytes: stored.bytes };
  } else if (part.url) file = await fetchVoice(ctx, part.url, part.name);
  else if (part.providerId) return part.providerId;
  else throw ConnectorError.permanent('the voice message has no file to send', 'no_file');
  const voice = await audioAs(file, VOICE_TYPES, 'mp3');
  if (!voice)
    throw ConnectorError.permanent(
      `WeChat takes voice messages as AMR or MP3, not ${file.mimeType}; install ffmpeg on the server to convert recordings`,
      'unsupported',
    );
  if (voice.bytes.length > VOICE_MAX_BYTES) throw ConnectorError.permanent('WeChat sends voice messages up to 2 MB', 'too_large');
  const ext = voice.mimeType === 'audio/amr' ? 'amr' : 'mp3';
  return uploadMedia(ctx, 'voice', { name: `${voice.name.replace(/\.[a-z0-9]{1,5}$/i, '')}.${ext}`, mimeType: voice.mimeType, bytes: voice.bytes });
}

/** A recording an agent linked: fetched within WeChat's size limit; its type is read from the bytes. */
async function fetchVoice(ctx: Ctx, url: string, name = 'voice'): Promise<{ name: string; mimeType: string; bytes: Buffer }> {
  if (!/^https?:\/\//i.test(url)) throw ConnectorError.permanent('the voice message URL must be http or https', 'bad_url');
  let response: Response;
  try {
    response = await ctx.outbound.fetch(url, { followRedirects: true, timeoutMs: ctx.config.requestTimeoutMs, maxBytes: VOICE_MAX_BYTES });
  } catch (error) {
    throw errorForNetwork(error, 'the audio host');
  }
  if (!response.ok) throw errorForStatus(response.status, 'the audio host');
  const bytes = Buffer.from(await response.arrayBuffer());
  return { name, mimeType: (await fileTypeFromBuffer(bytes))?.mime ?? 'application/octet-stream', bytes };
}

/** An image an agent linked rather than uploaded: fetched (within WeChat's limits) so it can be uploaded. */
async function fetchImage(ctx: Ctx, url: string): Promise<{ bytes: Buffer; mimeType: string }> {
  if (!/^https?:\/\//i.test(url)) throw ConnectorError.permanent('the image URL must be http or https', 'bad_url');
  let response: Response;
  try {
    // Image hosts redirect to their CDN; every hop is checked like the first.
    response = await ctx.outbound.fetch(url, { followRedirects: true, timeoutMs: ctx.config.requestTimeoutMs, maxBytes: IMAGE_MAX_BYTES });
  } catch (error) {
    throw errorForNetwork(error, 'the image host');
  }
  if (!response.ok) throw errorForStatus(response.status, 'the image host');
  const mimeType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!IMAGE_TYPES.includes(mimeType))
    throw ConnectorError.permanent(`WeChat sends JPEG, PNG, GIF or BMP images, not ${mimeType || 'this file'}`, 'unsupported');
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > IMAGE_MAX_BYTES) throw ConnectorError.permanent('WeChat sends images up to 10 MB', 'too_large');
  return { bytes, mimeType };
}

/**
 * An agent's reply → customer-service messages, one per part. The reply window and its quota
 * are checked before anything is sent; a window WeChat itself reports closed is closed here
 * too. Parts not sent because of a failure a retry may fix give their quota back.
 */
export async function sendToFollower(outbound: OutboundEnvelope, ctx: Ctx): Promise<SendReceipt> {
  const openId = outbound.recipient.externalId;
  const parts = outbound.parts.filter((p) => p.type !== 'event');
  if (parts.length === 0) throw ConnectorError.permanent('nothing to send', 'empty');
  for (const part of parts) {
    if (!['text', 'image', 'audio', 'link'].includes(part.type))
      throw ConnectorError.permanent(`a WeChat Official Account cannot send ${part.type} messages`, 'unsupported');
  }
  await reserveReplies(ctx, openId, parts.length);
  let sent = 0;
  try {
    for (const part of parts) {
      const body = await messageFor(ctx, openId, part);
      await callWithToken(ctx, { method: 'POST', path: '/cgi-bin/message/custom/send', json: body }, 'the customer-service message');
      sent++;
    }
  } catch (error) {
    if (error instanceof ConnectorError && error.code === '45015') await closeReplyWindow(ctx, openId);
    await releaseReplies(ctx, openId, parts.length - sent);
    throw error;
  }
  // The customer-service API returns no message id; the delivery is named by ours.
  return { id: `wx-cs-${outbound.messageId}` };
}
