import { ApiRequestError, ApiResponseError, type TwitterApiv2 } from 'twitter-api-v2';
import type { ChannelContext, SendReceipt } from '../../core/connector/define.js';
import { ConnectorError, errorForNetwork } from '../../core/connector/errors.js';
import type { ContentPart, OutboundEnvelope } from '../../core/domain/messages.js';
import { xClient } from './client.js';
import type { XConfig } from './connector.js';

/** X's limit for one DM's text. */
export const MAX_DM_CHARACTERS = 10_000;
/** X takes DM images up to 5 MB; GIFs up to 15 MB. */
const MAX_IMAGE_BYTES = 5 * 1024 * 1024;
const MAX_GIF_BYTES = 15 * 1024 * 1024;
const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif'];

type MediaPart = Extract<ContentPart, { type: 'image' | 'audio' | 'video' | 'file' }>;

/** The text of a reply: text parts, and links written out (X shows them as cards). */
function textOf(parts: readonly ContentPart[]): string {
  return parts
    .map((p) => (p.type === 'text' ? p.text : p.type === 'link' ? [p.title, p.url].filter(Boolean).join(' ') : ''))
    .filter(Boolean)
    .join('\n\n');
}

/** Checks what X would refuse before anything is uploaded or sent. */
function check(outbound: OutboundEnvelope): { text: string; images: MediaPart[] } {
  if (!/^\d{1,20}$/.test(outbound.recipient.externalId))
    throw ConnectorError.permanent(`"${outbound.recipient.externalId}" is not an X user id`, 'bad_recipient');
  const images: MediaPart[] = [];
  for (const part of outbound.parts) {
    if (part.type === 'image') images.push(part);
    else if (part.type !== 'text' && part.type !== 'link') {
      throw ConnectorError.permanent(
        `X direct messages cannot carry ${part.type === 'event' ? 'events' : `${part.type}s`} from Switchboard: send text, links or images.`,
        'unsupported_content',
      );
    }
  }
  const text = textOf(outbound.parts);
  const length = [...text].length;
  if (length > MAX_DM_CHARACTERS) {
    throw ConnectorError.permanent(
      `The message has ${length} characters; X accepts at most ${MAX_DM_CHARACTERS} in a direct message. Shorten it.`,
      'text_too_long',
    );
  }
  if (!text && images.length === 0) throw ConnectorError.permanent('The message is empty.', 'empty');
  return { text, images };
}

/** The bytes of an image part: from the attachment store, or fetched from its URL. */
async function imageBytes(part: MediaPart, ctx: ChannelContext<XConfig>): Promise<{ bytes: Buffer; mimeType: string }> {
  if (part.attachmentId) {
    const { file, bytes } = await ctx.attachments.read(part.attachmentId);
    return { bytes, mimeType: file.mimeType };
  }
  if (!part.url) throw ConnectorError.permanent('The image has neither a stored file nor a URL.', 'no_media');
  let response: Response;
  try {
    // The agent's URL: every hop checked, and no more read than X would take.
    response = await ctx.outbound.fetch(part.url, { followRedirects: true, timeoutMs: 20_000, maxBytes: MAX_GIF_BYTES });
  } catch (error) {
    throw errorForNetwork(error, `the image at ${part.url}`);
  }
  if (!response.ok)
    throw new ConnectorError(`The image at ${part.url} answered ${response.status}`, {
      retryable: response.status >= 500 || response.status === 429,
      code: response.status,
    });
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_GIF_BYTES) {
    await response.body?.cancel().catch(() => {});
    throw ConnectorError.permanent(`The image at ${part.url} is ${declared} bytes; X takes at most ${MAX_GIF_BYTES}.`, 'media_too_large');
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  return { bytes, mimeType: (response.headers.get('content-type') ?? part.mimeType ?? '').split(';')[0]!.trim() };
}

/** Uploads an image for a DM (`POST /2/media/upload/initialize`, `append`, `finalize`) and returns its media id. */
async function upload(client: TwitterApiv2, part: MediaPart, ctx: ChannelContext<XConfig>): Promise<string> {
  const { bytes, mimeType } = await imageBytes(part, ctx);
  if (!IMAGE_TYPES.includes(mimeType))
    throw ConnectorError.permanent(`X direct messages take JPEG, PNG, WebP or GIF images, not ${mimeType || 'this file'}.`, 'unsupported_media');
  const limit = mimeType === 'image/gif' ? MAX_GIF_BYTES : MAX_IMAGE_BYTES;
  if (bytes.length > limit)
    throw ConnectorError.permanent(`The image is ${bytes.length} bytes; X takes at most ${limit} in a direct message.`, 'media_too_large');
  return client.uploadMedia(bytes, { media_type: mimeType as 'image/png', media_category: mimeType === 'image/gif' ? 'dm_gif' : 'dm_image' } as Parameters<
    TwitterApiv2['uploadMedia']
  >[1]);
}

/**
 * Sends a direct message to the customer (`POST /2/dm_conversations/with/:id/messages`): images
 * are uploaded first, and a DM carries one, so a reply with several images becomes several DMs
 * (the text goes with the first). Rate limits, 5xx and network failures are retried later; what
 * X refuses (the user does not take DMs from the account, a bad token) fails for good.
 */
export async function sendDirectMessage(outbound: OutboundEnvelope, ctx: ChannelContext<XConfig>): Promise<SendReceipt> {
  const { text, images } = check(outbound);
  const client = xClient(ctx);
  const ids: string[] = [];
  try {
    const mediaIds: string[] = [];
    for (const image of images) mediaIds.push(await upload(client, image, ctx));
    const messages = mediaIds.length ? mediaIds.map((mediaId, i) => ({ text: i === 0 ? text : '', mediaId })) : [{ text, mediaId: undefined }];
    for (const { text: body, mediaId } of messages) {
      const result = await client.sendDmToParticipant(outbound.recipient.externalId, {
        ...(body ? { text: body } : {}),
        ...(mediaId ? { attachments: [{ media_id: mediaId }] } : {}),
      });
      // The API wraps the answer in `data`; the library's typing does not say so.
      const answer = (result as unknown as { data?: { dm_event_id?: string } }).data ?? result;
      ids.push(answer.dm_event_id ?? '');
    }
  } catch (error) {
    throw classify(error);
  }
  return { id: ids.filter(Boolean).join(',') || `x:${outbound.messageId}` };
}

/** X's answers as retryable or not: 408, 429 and 5xx may pass later; other 4xx will not. */
export function classify(error: unknown): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof ApiResponseError) {
    const data = error.data as { detail?: string; title?: string; errors?: { message?: string }[] } | undefined;
    const detail = data?.detail ?? data?.errors?.[0]?.message ?? data?.title ?? '';
    if (error.code === 429) {
      const reset = error.rateLimit?.reset ? ` until ${new Date(error.rateLimit.reset * 1000).toISOString()}` : '';
      return ConnectorError.retryable(`X is rate-limiting the account${reset}`, 429, error);
    }
    if (error.code === 408 || error.code >= 500) return ConnectorError.retryable(`X answered ${error.code}${detail ? `: ${detail}` : ''}`, error.code, error);
    if (error.code === 401)
      return ConnectorError.permanent(
        `X refused the account's credentials (401${detail ? `: ${detail}` : ''}); check the tokens in the channel settings.`,
        401,
        error,
      );
    return ConnectorError.permanent(`X refused the message (${error.code}${detail ? `: ${detail}` : ''})`, error.code, error);
  }
  if (error instanceof ApiRequestError) return errorForNetwork(error.requestError, 'X');
  return ConnectorError.permanent(`Sending to X failed: ${error instanceof Error ? error.message : String(error)}`);
}
