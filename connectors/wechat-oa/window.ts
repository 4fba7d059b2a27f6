import { sql } from 'kysely';
import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { batched } from '../../core/db/batch.js';
import { QUOTA_REACHED, WINDOW_CLOSED } from './api.js';
import type { WechatOaConfig } from './connector.js';

type Ctx = Pick<ChannelContext<WechatOaConfig>, 'db' | 'channel' | 'config'>;

/**
 * A follower's message (or a menu click, a follow, a QR scan) opens the customer-service reply
 * window anew. The time is WeChat's CreateTime, so a retried delivery changes nothing. The pushes
 * that arrive together are written in one statement (in key order, so two gateways writing the
 * same followers cannot deadlock); each push is answered only after its window is stored.
 */
export function openReplyWindow(ctx: Ctx, openId: string, at: Date): Promise<void> {
  let write = windowWriters.get(ctx.db);
  if (!write) windowWriters.set(ctx.db, (write = batched((opens) => writeWindows(ctx.db, opens))));
  return write({ channel_id: ctx.channel.id, tenant_id: ctx.channel.tenantId, open_id: openId, opened_at: at });
}

type WindowOpen = { channel_id: string; tenant_id: string; open_id: string; opened_at: Date };
const windowWriters = new WeakMap<Ctx['db'], (open: WindowOpen) => Promise<void>>();

async function writeWindows(db: Ctx['db'], opens: WindowOpen[]): Promise<void> {
  // One row per follower (a statement may not touch a row twice): the latest opening counts.
  const latest = new Map<string, WindowOpen>();
  for (const open of opens) {
    const key = `${open.channel_id} ${open.open_id}`;
    const seen = latest.get(key);
    if (!seen || seen.opened_at < open.opened_at) latest.set(key, open);
  }
  const rows = [...latest.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, open]) => ({ ...open, sent: 0 }));
  await db
    .insertInto('wechat_reply_windows')
    .values(rows)
    .onConflict((oc) =>
      oc.columns(['channel_id', 'open_id']).doUpdateSet({
        opened_at: sql`greatest(wechat_reply_windows.opened_at, excluded.opened_at)`,
        sent: sql`case when excluded.opened_at > wechat_reply_windows.opened_at then 0 else wechat_reply_windows.sent end`,
      }),
    )
    .execute();
}

/**
 * Takes `count` replies from the follower's window before anything is sent. Refuses, for good
 * and with a reason the agent can act on, when the window is closed or its quota is used up.
 */
export async function reserveReplies(ctx: Ctx, openId: string, count: number): Promise<void> {
  const { replyWindowHours: hours, replyQuota: quota } = ctx.config;
  const taken = await ctx.db
    .updateTable('wechat_reply_windows')
    .set({ sent: sql`sent + ${count}` })
    .where('channel_id', '=', ctx.channel.id)
    .where('open_id', '=', openId)
    .where('opened_at', '>', sql<Date>`now() - make_interval(hours => ${hours})`)
    .where((eb) => (quota === 0 ? eb.val(true) : eb('sent', '<=', quota - count)))
    .returning('sent')
    .executeTakeFirst();
  if (taken) return;
  const window = await ctx.db
    .selectFrom('wechat_reply_windows')
    .select(['opened_at', 'sent'])
    .where('channel_id', '=', ctx.channel.id)
    .where('open_id', '=', openId)
    .executeTakeFirst();
  if (!window || window.opened_at.getTime() <= Date.now() - hours * 3600_000) throw ConnectorError.permanent(WINDOW_CLOSED, 45015);
  throw ConnectorError.permanent(QUOTA_REACHED, 45047);
}

/** Gives back replies that were reserved and not sent (a failure a retry may fix). */
export async function releaseReplies(ctx: Ctx, openId: string, count: number): Promise<void> {
  if (count <= 0) return;
  await ctx.db
    .updateTable('wechat_reply_windows')
    .set({ sent: sql`greatest(sent - ${count}, 0)` })
    .where('channel_id', '=', ctx.channel.id)
    .where('open_id', '=', openId)
    .execute();
}

/** WeChat said the window is closed (45015): believe it, so the next reply is refused before sending. */
export async function closeReplyWindow(ctx: Ctx, openId: string): Promise<void> {
  await ctx.db
    .updateTable('wechat_reply_windows')
    .set({ opened_at: new Date(0) })
    .where('channel_id', '=', ctx.channel.id)
    .where('open_id', '=', openId)
    .execute();
}
