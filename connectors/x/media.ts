import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart } from '../../core/domain/messages.js';
import { downloadDmPicture } from './client.js';
import type { XConfig } from './connector.js';

/**
 * A DM's picture into the attachment store, keyed by X's media id (a DM that arrives by webhook
 * and by poll, or is read twice, keeps one file). Videos, pictures X will not hand over now, and
 * pictures over `mediaMaxBytes` stay as they were: a part naming the media by id and URL.
 */
export async function keepDmPicture(ctx: ChannelContext<XConfig>, part: ContentPart, owner: string): Promise<ContentPart> {
  if (part.type !== 'image' || !part.url || !part.providerId) return part;
  const log = { channelId: ctx.channel.id, mediaId: part.providerId };
  try {
    const bytes = await downloadDmPicture(ctx, part.url);
    if (!bytes) return part;
    const name = new URL(part.url).pathname.split('/').pop() || `${part.providerId}.jpg`;
    const stored = await ctx.attachments.put({ owner, name, bytes, maxBytes: ctx.config.mediaMaxBytes, key: `x:${part.providerId}` });
    return { ...part, attachmentId: stored.id, name: stored.name, mimeType: stored.mimeType, size: stored.size };
  } catch (error) {
    ctx.logger.warn({ ...log, err: error instanceof Error ? error.message : String(error) }, 'a DM picture could not be kept; the message names it by id');
    return part;
  }
}
