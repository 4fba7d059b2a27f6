import { UnsupportedFileError } from '../../core/attachments/store.js';
import type { ChannelContext } from '../../core/connector/define.js';
import { OutboundError } from '../../core/net/outbound.js';
import type { WeiboConfig } from './connector.js';

/**
 * A fan's picture or voice message into the attachment store: Weibo serves it by its `tovfid`
 * from `mss/msget` with the access token. Keyed by that id, so Weibo's retries of a push keep it
 * once. Undefined when Weibo cannot hand it over now or it is too large: the part then keeps
 * the id, and the message is not held back for it.
 */
export async function storeWeiboMedia(
  ctx: ChannelContext<WeiboConfig>,
  fid: string,
  owner: string,
  kind: 'image' | 'audio',
): Promise<{ attachmentId: string; name: string; mimeType: string; size: number } | undefined> {
  const url = new URL('/2/mss/msget', ctx.config.uploadBaseUrl);
  url.searchParams.set('access_token', ctx.config.accessToken);
  url.searchParams.set('fid', fid);
  const log = { channelId: ctx.channel.id, fid };
  try {
    const response = await ctx.outbound.fetch(url, { timeoutMs: ctx.config.requestTimeoutMs, maxBytes: ctx.config.mediaMaxBytes });
    const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    // Weibo answers a refusal with HTTP 200 and a JSON error, like its other APIs.
    if (!response.ok || type === 'application/json' || type === 'text/plain' || type === 'text/html') {
      const detail = (await response.text().catch(() => '')).slice(0, 200);
      ctx.logger.warn({ ...log, status: response.status, detail }, 'Weibo did not hand over a fan’s file; the message keeps its id');
      return undefined;
    }
    if (Number(response.headers.get('content-length') ?? 0) > ctx.config.mediaMaxBytes) {
      await response.body?.cancel().catch(() => {});
      ctx.logger.info(log, 'a fan’s file is larger than mediaMaxBytes; the message keeps its id');
      return undefined;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    const name = kind === 'image' ? `weibo-${fid}.jpg` : `weibo-${fid}.amr`;
    const stored = await ctx.attachments.put({ owner, name, bytes, declaredType: type, maxBytes: ctx.config.mediaMaxBytes, key: `weibo:${fid}` });
    return { attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType, size: stored.size };
  } catch (error) {
    if (!(error instanceof UnsupportedFileError) && !(error instanceof OutboundError)) throw error;
    ctx.logger.warn({ ...log, err: error.message }, 'a fan’s file could not be kept; the message keeps its id');
    return undefined;
  }
}
