import { sql } from 'kysely';
import { batched } from '../db/batch.js';
import type { Db } from '../db/database.js';

/**
 * The tables a built-in connector keeps of its own, as named questions and changes bound to one
 * channel: the web chat's visitors, the WeChat reply windows and welcomes, the app API's webhook
 * log, WeCom's sync cursors. `ctx.state` (a JSON value per key) cannot do what these need in one
 * statement: look a visitor up by a token hash, count replies against a quota, claim a key once,
 * number attempts. Every query names the channel (and the tenant where it writes or reads rows).
 */
export interface ConnectorTables {
  visitors: WidgetVisitors;
  replyWindows: ReplyWindows;
  welcomes: {
    /**
     * Claims the welcome of the subscribe event `eventKey`: true the first time, false when that
     * event (a retried delivery) was welcomed already.
     */
    first(eventKey: string): Promise<boolean>;
  };
  webhookLog: {
    /** Records one attempt at a webhook delivery; its number is one more than the delivery's earlier attempts. */
    record(attempt: WebhookAttempt): Promise<void>;
  };
  syncCursors: {
    /** The saved cursor of the provider's account `account` on this channel (a WeCom open_kfid). */
    get(account: string): Promise<string | undefined>;
    set(account: string, cursor: string): Promise<void>;
  };
}

/** A web chat visitor: `v:<uuid>` while anonymous, `u:<user id>` once identified. */
export interface WidgetVisitor {
  id: string;
  externalId: string;
  identified: boolean;
  profile: Record<string, unknown>;
}

/** The web chat's visitors of this channel; tokens are kept only as their hash. */
export interface WidgetVisitors {
  /** The visitor whose token hashes to `tokenHash`, marked seen now; undefined when none is. */
  seenByToken(tokenHash: string): Promise<WidgetVisitor | undefined>;
  create(visitor: { tokenHash: string; externalId: string; identified: boolean; profile: Record<string, unknown> }): Promise<WidgetVisitor>;
  /** Replaces a visitor's profile. */
  setProfile(visitorId: string, profile: Record<string, unknown>): Promise<void>;
  /** Whether a visitor of this channel is known as `externalId`. */
  exists(externalId: string): Promise<boolean>;
}

/** A window in which the provider lets the channel reply to a follower, with a quota of replies. */
export interface ReplyWindows {
  /**
   * The follower wrote (or clicked, followed, scanned) at `at`: the window opens anew from then.
   * The time is the provider's, so a retried delivery changes nothing. Calls made together are
   * written in one statement; each resolves once its window is stored.
   */
  open(follower: string, at: Date): Promise<void>;
  /**
   * Takes `count` replies from the follower's window: `taken`, or why not (`closed`: older than
   * `hours` or never opened; `used-up`: more than `quota` replies, 0 being no quota).
   */
  reserve(follower: string, count: number, limits: { hours: number; quota: number }): Promise<'taken' | 'closed' | 'used-up'>;
  /** Gives back `count` replies that were reserved and not sent. */
  release(follower: string, count: number): Promise<void>;
  /** The provider says the window is closed: the next reservation is refused. */
  close(follower: string): Promise<void>;
}

export interface WebhookAttempt {
  deliveryId: string;
  messageId: string | null;
  url: string;
  status: number | null;
  error: string | null;
  durationMs: number;
}

type WindowOpen = { channel_id: string; tenant_id: string; open_id: string; opened_at: Date };

/** One writer per database handle, shared by every channel: the pushes that arrive together are one statement. */
const windowWriters = new WeakMap<Db, (open: WindowOpen) => Promise<void>>();

function windowWriter(db: Db): (open: WindowOpen) => Promise<void> {
  let write = windowWriters.get(db);
  if (!write) windowWriters.set(db, (write = batched((opens) => writeWindows(db, opens))));
  return write;
}

async function writeWindows(db: Db, opens: WindowOpen[]): Promise<void> {
  // One row per follower (a statement may not touch a row twice): the latest opening counts.
  const latest = new Map<string, WindowOpen>();
  for (const open of opens) {
    const key = `${open.channel_id} ${open.open_id}`;
    const seen = latest.get(key);
    if (!seen || seen.opened_at < open.opened_at) latest.set(key, open);
  }
  // In key order, so two gateways writing the same followers cannot deadlock.
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

const visitorOf = (row: { id: string; external_id: string; identified: boolean; profile: Record<string, unknown> }): WidgetVisitor => ({
  id: row.id,
  externalId: row.external_id,
  identified: row.identified,
  profile: row.profile,
});

/** The connectors' own tables for one channel. */
export function connectorTables(db: Db, channel: { id: string; tenantId: string }): ConnectorTables {
  const { id: channelId, tenantId } = channel;
  const window = (follower: string) => db.updateTable('wechat_reply_windows').where('channel_id', '=', channelId).where('open_id', '=', follower);
  return {
    visitors: {
      async seenByToken(tokenHash) {
        const row = await db
          .updateTable('widget_visitors')
          .set({ last_seen_at: sql`now()` })
          .where('token_hash', '=', tokenHash)
          .where('channel_id', '=', channelId)
          .returning(['id', 'external_id', 'identified', 'profile'])
          .executeTakeFirst();
        return row ? visitorOf(row) : undefined;
      },
      async create(visitor) {
        const row = await db
          .insertInto('widget_visitors')
          .values({
            tenant_id: tenantId,
            channel_id: channelId,
            token_hash: visitor.tokenHash,
            external_id: visitor.externalId,
            identified: visitor.identified,
            profile: JSON.stringify(visitor.profile),
          })
          .returning(['id', 'external_id', 'identified', 'profile'])
          .executeTakeFirstOrThrow();
        return visitorOf(row);
      },
      async setProfile(visitorId, profile) {
        await db
          .updateTable('widget_visitors')
          .set({ profile: JSON.stringify(profile) })
          .where('id', '=', visitorId)
          .where('channel_id', '=', channelId)
          .execute();
      },
      async exists(externalId) {
        const row = await db
          .selectFrom('widget_visitors')
          .select('id')
          .where('channel_id', '=', channelId)
          .where('external_id', '=', externalId)
          .executeTakeFirst();
        return row !== undefined;
      },
    },
    replyWindows: {
      open: (follower, at) => windowWriter(db)({ channel_id: channelId, tenant_id: tenantId, open_id: follower, opened_at: at }),
      async reserve(follower, count, { hours, quota }) {
        const taken = await window(follower)
          .set({ sent: sql`sent + ${count}` })
          .where('opened_at', '>', sql<Date>`now() - make_interval(hours => ${hours})`)
          .where((eb) => (quota === 0 ? eb.val(true) : eb('sent', '<=', quota - count)))
          .returning('sent')
          .executeTakeFirst();
        if (taken) return 'taken';
        const row = await db
          .selectFrom('wechat_reply_windows')
          .select(['opened_at', 'sent'])
          .where('channel_id', '=', channelId)
          .where('open_id', '=', follower)
          .executeTakeFirst();
        if (!row || row.opened_at.getTime() <= Date.now() - hours * 3600_000) return 'closed';
        return 'used-up';
      },
      async release(follower, count) {
        if (count <= 0) return;
        await window(follower)
          .set({ sent: sql`greatest(sent - ${count}, 0)` })
          .execute();
      },
      async close(follower) {
        await window(follower)
          .set({ opened_at: new Date(0) })
          .execute();
      },
    },
    welcomes: {
      async first(eventKey) {
        const row = await db
          .insertInto('wechat_welcomes')
          .values({ channel_id: channelId, tenant_id: tenantId, event_key: eventKey })
          .onConflict((oc) => oc.columns(['channel_id', 'event_key']).doNothing())
          .returning('event_key')
          .executeTakeFirst();
        return row !== undefined;
      },
    },
    webhookLog: {
      async record(attempt) {
        await db
          .insertInto('webhook_deliveries')
          .values({
            tenant_id: tenantId,
            channel_id: channelId,
            delivery_id: attempt.deliveryId,
            message_id: attempt.messageId,
            attempt: sql<number>`(select count(*) + 1 from webhook_deliveries where channel_id = ${channelId} and delivery_id = ${attempt.deliveryId})`,
            url: attempt.url,
            status_code: attempt.status,
            error: attempt.error,
            duration_ms: Math.round(attempt.durationMs),
          })
          .execute();
      },
    },
    syncCursors: {
      async get(account) {
        const row = await db
          .selectFrom('wecom_kf_cursors')
          .select('cursor')
          .where('channel_id', '=', channelId)
          .where('open_kfid', '=', account)
          .executeTakeFirst();
        return row?.cursor || undefined;
      },
      async set(account, cursor) {
        await db
          .insertInto('wecom_kf_cursors')
          .values({ channel_id: channelId, tenant_id: tenantId, open_kfid: account, cursor })
          .onConflict((oc) => oc.columns(['channel_id', 'open_kfid']).doUpdateSet({ cursor, updated_at: sql`now()` }))
          .execute();
      },
    },
  };
}
