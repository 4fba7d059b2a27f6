import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../db/database.js';

/**
 * What a channel's loop says about itself, for the admin console: a bot waiting for its login QR
 * code to be scanned, logged in as an account, logged out, or failing. Kept in a row per channel
 * (`channel_states`), so the console shows it whichever process runs the loop.
 */
export const channelStateReport = z.object({
  state: z.enum(['starting', 'waiting_for_scan', 'logged_in', 'logged_out', 'error', 'stopped']),
  /** An admin's sentence: why it failed, what to do. Never a secret. */
  detail: z.string().max(1000).optional(),
  /** The account the channel is logged in as (a bot's name and id). */
  account: z.string().max(300).optional(),
  /** The text of the login QR code to scan (a URL), while waiting for a scan. */
  qrCode: z.string().max(4000).optional(),
});
export type ChannelStateReport = z.infer<typeof channelStateReport>;

export interface ChannelState extends ChannelStateReport {
  /** The process that reported it. */
  holder: string | null;
  updatedAt: string;
}

/** Replaces the channel's reported state. */
export async function reportChannelState(db: Db, channel: { id: string; tenantId: string }, report: ChannelStateReport, holder: string): Promise<void> {
  const r = channelStateReport.parse(report);
  const values = { state: r.state, detail: r.detail ?? null, account: r.account ?? null, qr_code: r.qrCode ?? null, holder };
  await db
    .insertInto('channel_states')
    .values({ channel_id: channel.id, tenant_id: channel.tenantId, ...values })
    .onConflict((oc) => oc.column('channel_id').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .execute();
}

/** The channel's last reported state, scoped by tenant; undefined when its loop never said anything. */
export async function readChannelState(db: Db, tenantId: string, channelId: string): Promise<ChannelState | undefined> {
  const row = await db.selectFrom('channel_states').selectAll().where('tenant_id', '=', tenantId).where('channel_id', '=', channelId).executeTakeFirst();
  if (!row) return undefined;
  return {
    state: row.state as ChannelState['state'],
    ...(row.detail ? { detail: row.detail } : {}),
    ...(row.account ? { account: row.account } : {}),
    ...(row.qr_code ? { qrCode: row.qr_code } : {}),
    holder: row.holder,
    updatedAt: row.updated_at.toISOString(),
  };
}
