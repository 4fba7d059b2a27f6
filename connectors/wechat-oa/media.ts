import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { callWithToken, readJson, wechatFetch } from './api.js';
import type { WechatOaConfig } from './connector.js';

export type MediaType = 'image' | 'voice' | 'video' | 'thumb';

/** What an inbound media message leaves in the attachment store. */
export interface StoredMedia {
  attachmentId: string;
  mimeType: string;
  size: number;
  name: string;
}

const EXTENSIONS: Record<string, string> = { image: 'jpg', voice: 'amr', video: 'mp4', shortvideo: 'mp4', thumb: 'jpg' };

/** Reads a body up to a limit, refusing more (a provider is not trusted with our memory either). */
async function readLimited(response: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw ConnectorError.permanent(`the file is larger than ${maxBytes} bytes`, 'too_large');
  }
  const bytes = Buffer.from(await response.arrayBuffer());
  if (bytes.length > maxBytes) throw ConnectorError.permanent(`the file is larger than ${maxBytes} bytes`, 'too_large');
  return bytes;
}

/**
 * Downloads a follower's media by its MediaId (temporary media, kept by WeChat for 3 days) into
 * the attachment store. Videos come back as JSON naming a download URL, which is fetched next.
 */
export async function downloadMedia(ctx: ChannelContext<WechatOaConfig>, mediaId: string, kind: string, owner: string): Promise<StoredMedia> {
  const what = 'the media download';
  const answer = await callWithToken(
    ctx,
    { method: 'GET', path: '/cgi-bin/media/get', query: { media_id: mediaId }, maxBytes: ctx.config.mediaMaxBytes + 1 },
    what,
    async (response) => {
      const type = response.headers.get('content-type') ?? '';
      if (type.includes('json') || type.startsWith('text/plain')) return readJson(response, what);
      return { binary: response };
    },
  );
  let response: Response;
  if ('binary' in answer) {
    response = answer.binary as Response;
  } else if (typeof answer.video_url === 'string') {
    response = await wechatFetch(
      { config: { ...ctx.config, apiBaseUrl: answer.video_url }, outbound: ctx.outbound },
      { method: 'GET', path: answer.video_url, maxBytes: ctx.config.mediaMaxBytes + 1 },
      what,
    );
  } else {
    throw ConnectorError.retryable('WeChat answered the media download without a file', 'bad_answer');
  }
  const bytes = await readLimited(response, ctx.config.mediaMaxBytes);
  const declaredType = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
  const name = fileNameOf(response.headers.get('content-disposition')) ?? `${mediaId.slice(0, 40)}.${EXTENSIONS[kind] ?? 'bin'}`;
  const stored = await ctx.attachments.put({ owner, name, bytes, declaredType, maxBytes: ctx.config.mediaMaxBytes });
  return { attachmentId: stored.id, mimeType: stored.mimeType, size: stored.size, name: stored.name };
}

function fileNameOf(disposition: string | null): string | undefined {
  const match = disposition && /filename="?([^";]+)"?/i.exec(disposition);
  return match?.[1];
}

/** Uploads a file as temporary media (for 3 days) and returns its media_id, for a customer-service message. */
export async function uploadMedia(
  ctx: ChannelContext<WechatOaConfig>,
  type: MediaType,
  file: { name: string; mimeType: string; bytes: Buffer },
): Promise<string> {
  const what = 'the media upload';
  const answer = await callWithToken(
    ctx,
    () => {
      // A new form for each attempt: a body is read once.
      const form = new FormData();
      form.set('media', new Blob([new Uint8Array(file.bytes)], { type: file.mimeType }), file.name);
      return { method: 'POST', path: '/cgi-bin/media/upload', query: { type }, form };
    },
    what,
  );
  if ('binary' in answer || typeof answer.media_id !== 'string') throw ConnectorError.retryable('WeChat answered the upload without a media_id', 'bad_answer');
  return answer.media_id;
}
