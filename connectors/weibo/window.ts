import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart } from '../../core/domain/messages.js';

/** What Weibo lets the account do for one fan right now, from the fan's last message or action. */
export type ReplyWindow =
  | { open: true; closesAt: Date }
  | { open: false; reason: 'never' | 'expired' | 'unfollowed' | 'mention-answered'; lastActionAt?: Date; closedAt?: Date };

const eventName = (content: unknown): string | undefined => {
  const parts = Array.isArray(content) ? (content as ContentPart[]) : [];
  return parts.find((p) => p.type === 'event')?.name;
};

/**
 * Weibo allows replies for 48 hours after a fan writes, follows, subscribes, scans or clicks a
 * menu; none after an unfollow; one after an @mention. Read from the messages the router stored
 * for this fan on this channel.
 */
export async function replyWindow(ctx: ChannelContext<{ replyWindowHours: number }>, fanId: string, now = new Date()): Promise<ReplyWindow> {
  const last = await ctx.platform.messages.lastFromCustomer(fanId);
  if (!last) return { open: false, reason: 'never' };
  const lastActionAt = last.at;
  const closesAt = new Date(lastActionAt.getTime() + ctx.config.replyWindowHours * 3600_000);
  const event = eventName(last.content);
  if (event === 'weibo.unfollow' || event === 'weibo.unsubscribe') return { open: false, reason: 'unfollowed', lastActionAt };
  if (closesAt <= now) return { open: false, reason: 'expired', lastActionAt, closedAt: closesAt };
  if (event === 'weibo.mention') {
    const answered = await ctx.platform.messages.answeredAfter(last.id);
    if (answered) return { open: false, reason: 'mention-answered', lastActionAt };
  }
  return { open: true, closesAt };
}

/** The sentence the agent reads under a reply Weibo would not take. */
export function explainClosedWindow(window: Extract<ReplyWindow, { open: false }>, hours: number): string {
  switch (window.reason) {
    case 'never':
      return `Weibo only allows replies to fans who wrote to the account or acted on it in the last ${hours} hours; this fan has not.`;
    case 'unfollowed':
      return 'The fan unfollowed the account; Weibo allows no replies until they write or follow again.';
    case 'mention-answered':
      return 'Weibo allows one reply to an @mention, and it has been sent; wait for the fan to write again.';
    case 'expired':
      return `The ${hours}-hour reply window closed at ${window.closedAt!.toISOString()} (the fan's last message or action was at ${window.lastActionAt!.toISOString()}); Weibo refuses replies until the fan writes again.`;
  }
}
