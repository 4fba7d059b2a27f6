import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { QUOTA_REACHED, WINDOW_CLOSED } from './api.js';
import type { WechatOaConfig } from './connector.js';

type Ctx = Pick<ChannelContext<WechatOaConfig>, 'platform' | 'config'>;

/**
 * A follower's message (or a menu click, a follow, a QR scan) opens the customer-service reply
 * window anew. The time is WeChat's CreateTime, so a retried delivery changes nothing. The pushes
 * that arrive together are written in one statement (`platform.replyWindows`); each push is
 * answered only after its window is stored.
 */
export function openReplyWindow(ctx: Ctx, openId: string, at: Date): Promise<void> {
  return ctx.platform.replyWindows.open(openId, at);
}

/**
 * Takes `count` replies from the follower's window before anything is sent. Refuses, for good
 * and with a reason the agent can act on, when the window is closed or its quota is used up.
 */
export async function reserveReplies(ctx: Ctx, openId: string, count: number): Promise<void> {
  const { replyWindowHours: hours, replyQuota: quota } = ctx.config;
  const outcome = await ctx.platform.replyWindows.reserve(openId, count, { hours, quota });
  if (outcome === 'taken') return;
  if (outcome === 'closed') throw ConnectorError.permanent(WINDOW_CLOSED, 45015);
  throw ConnectorError.permanent(QUOTA_REACHED, 45047);
}

/** Gives back replies that were reserved and not sent (a failure a retry may fix). */
export function releaseReplies(ctx: Ctx, openId: string, count: number): Promise<void> {
  return ctx.platform.replyWindows.release(openId, count);
}

/** WeChat said the window is closed (45015): believe it, so the next reply is refused before sending. */
export function closeReplyWindow(ctx: Ctx, openId: string): Promise<void> {
  return ctx.platform.replyWindows.close(openId);
}
