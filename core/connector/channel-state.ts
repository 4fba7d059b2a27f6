import { sql } from 'kysely';
import { channelStateReport, type ChannelStateReport } from '@switchboard/connector-sdk';
import type { Db } from '../db/database.js';

// What a loop may report is the SDK's (`PullContext.reportState`); it is kept here, one row per channel.
export { channelStateReport, type ChannelStateReport };

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
