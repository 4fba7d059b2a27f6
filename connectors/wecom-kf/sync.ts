import type { ChannelContext } from '../../core/connector/define.js';
import { checkInboundMessage, publishInbound } from '../../core/connector/publish.js';
import type { InboundMessage } from '../../core/domain/messages.js';
import { callWecom, downloadWecomMedia } from './api.js';
import type { WecomKfConfig } from './connector.js';
import { normalizeKfMessage, sendFailureOf } from './normalize.js';

type Ctx = ChannelContext<WecomKfConfig>;

/**
 * Pulls what waits on one customer-service account, page by page (has_more), from the cursor in
 * the platform (`syncCursors`). The cursor moves only after the bus confirmed the page, so a process killed
 * mid-way leaves it at the last confirmed page and the next sync fetches the rest (a page
 * fetched twice is stored once: the msgid is the dedupe key). One sync per account at a time
 * across the cluster (`platform.exclusively`: an advisory lock on a connection of its own).
 */
export async function syncAccount(ctx: Ctx, openKfId: string, callbackToken: string | undefined, signal?: AbortSignal): Promise<number> {
  return ctx.platform.exclusively(openKfId, async (scope) => {
    // Everything runs on the lock's connection: the embedded database has no other to wait for.
    const local: Ctx = { ...ctx, platform: scope.platform, attachments: scope.attachments };
    let total = 0;
    for (;;) {
      if (signal?.aborted) break;
      const cursor = await scope.platform.syncCursors.get(openKfId);
      const request: Record<string, unknown> = { limit: ctx.config.syncLimit, voice_format: 0, open_kfid: openKfId };
      if (cursor) request.cursor = cursor;
      if (callbackToken) request.token = callbackToken;
      const page = await callWecom(local, '/cgi-bin/kf/sync_msg', request, 'sync_msg');
      const list = Array.isArray(page.msg_list) ? page.msg_list : [];
      const messages = await withMedia(local, normalizeEach(ctx, list, openKfId));
      await failUndelivered(local, list);
      if (messages.length) await publishInbound(ctx.bus, ctx.inboundShards, ctx.channel, messages);
      total += messages.length;
      if (typeof page.next_cursor === 'string' && page.next_cursor) await scope.platform.syncCursors.set(openKfId, page.next_cursor);
      if (page.has_more !== 1 || list.length === 0) break;
    }
    return total;
  });
}

/** A malformed entry is logged and skipped: it must not hold back the messages behind it for ever. */
function normalizeEach(ctx: Ctx, list: unknown[], openKfId: string): InboundMessage[] {
  const messages: InboundMessage[] = [];
  for (const item of list) {
    try {
      for (const message of normalizeKfMessage(item, openKfId)) messages.push(checkInboundMessage(message));
    } catch (error) {
      const msgid = item && typeof item === 'object' ? (item as { msgid?: unknown }).msgid : undefined;
      ctx.logger.warn(
        { msgid: typeof msgid === 'string' ? msgid : undefined, err: error instanceof Error ? error.message : String(error) },
        'a WeCom message could not be read; skipped',
      );
    }
  }
  return messages;
}

/**
 * msg_send_fail events fail the replies they name, with WeCom's reason and fail_type: the agent
 * sees why, and can send again. Our msgids are `sb<message id>_<part>` (send.ts); a msgid we did
 * not give, or a message of another channel, is left alone.
 */
async function failUndelivered(ctx: Ctx, list: unknown[]): Promise<void> {
  for (const item of list) {
    const failure = sendFailureOf(item);
    const messageId = failure && /^sb([1-9][0-9]{0,17})_\d+$/.exec(failure.failMsgid)?.[1];
    if (!failure || !messageId) continue;
    await ctx.platform.replies.failed(messageId, { reason: failure.reason, code: `fail_type ${failure.failType}` });
  }
}

/**
 * Fetches the files customers sent into the attachment store. A file WeCom cannot hand over now
 * stays on the part by its media_id (valid 3 days), so the message is not held back.
 */
async function withMedia(ctx: Ctx, messages: InboundMessage[]): Promise<InboundMessage[]> {
  for (const message of messages) {
    for (const [index, part] of message.parts.entries()) {
      if (!('providerId' in part) || !part.providerId || part.attachmentId) continue;
      try {
        const file = await downloadWecomMedia(ctx, part.providerId, ctx.config.mediaMaxBytes);
        const stored = await ctx.attachments.put({
          owner: message.sender.externalId,
          name: file.name ?? `${part.type}-${part.providerId.slice(0, 24)}`,
          bytes: file.bytes,
          declaredType: file.mimeType,
          maxBytes: ctx.config.mediaMaxBytes,
        });
        message.parts[index] = { ...part, attachmentId: stored.id, mimeType: stored.mimeType, size: stored.size, name: stored.name };
      } catch (error) {
        ctx.logger.warn(
          { mediaId: part.providerId, err: error instanceof Error ? error.message : String(error) },
          'WeCom media could not be downloaded; kept by reference',
        );
      }
    }
  }
  return messages;
}
