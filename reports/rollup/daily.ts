import { sql } from 'kysely';
import type { ReportTrx } from '../schema.js';

export const DAY_MS = 86_400_000;

/** Each rollup's dimensions and summed columns: the daily tables sum the hourly ones by these. */
export const ROLLUPS = {
  conversations: {
    dims: ['channel_id', 'group_id', 'agent_id', 'tags'],
    sums: [
      'created',
      'first_responses',
      'first_response_seconds',
      'first_response_business_seconds',
      'resolved',
      'resolution_seconds',
      'resolution_business_seconds',
      'reopened',
      'handled',
      'queued',
      'queue_waits',
      'queue_wait_seconds',
      'abandoned',
      'abandoned_wait_seconds',
    ],
  },
  messages: { dims: ['channel_id', 'agent_id'], sums: ['messages_in', 'messages_out'] },
  agent_states: { dims: ['agent_id'], sums: ['online_seconds', 'busy_seconds', 'away_seconds'] },
  calls: {
    dims: ['channel_id', 'group_id', 'agent_id'],
    sums: ['offered', 'answered', 'abandoned', 'answered_wait_seconds', 'answered_within_sl', 'talk_seconds'],
  },
  csat: { dims: ['channel_id', 'group_id', 'agent_id'], sums: ['responses', 'rating_sum', 'satisfied'] },
  tickets: { dims: ['group_id', 'agent_id'], sums: ['created', 'solved', 'sla_achieved', 'sla_breached'] },
} as const;

export type RollupName = keyof typeof ROLLUPS;
export const ROLLUP_NAMES = Object.keys(ROLLUPS) as RollupName[];

export const dayOf = (at: number) => Math.floor(at / DAY_MS) * DAY_MS;

/** Recomputes the daily sums of the UTC days [from, to) from the hourly rollups (those named, every one by default). */
export async function rollUpDays(trx: ReportTrx, tenantId: string, from: Date, to: Date, names: readonly RollupName[] = ROLLUP_NAMES): Promise<void> {
  for (const name of names) {
    const { dims, sums } = ROLLUPS[name];
    const daily = sql.table(`report_${name}_daily`);
    const hourly = sql.table(`report_${name}_hourly`);
    const dimList = sql.join(dims.map((d) => sql.ref(d)));
    const sumList = sql.join(sums.map((c) => sql`sum(${sql.ref(c)})`));
    await sql`DELETE FROM ${daily} WHERE tenant_id = ${tenantId} AND hour >= ${from} AND hour < ${to}`.execute(trx);
    await sql`
      INSERT INTO ${daily} (tenant_id, hour, ${dimList}, ${sql.join(sums.map((c) => sql.ref(c)))})
      SELECT tenant_id, date_trunc('day', hour AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', ${dimList}, ${sumList}
        FROM ${hourly} WHERE tenant_id = ${tenantId} AND hour >= ${from} AND hour < ${to}
       GROUP BY 1, 2, ${sql.join(dims.map((_, i) => sql.raw(String(i + 3))))}`.execute(trx);
  }
}

/** Recomputes the hourly totals (every dimension summed away) of the hours [from, to) (of the rollups named, every one by default). */
export async function rollUpTotals(trx: ReportTrx, tenantId: string, from: Date, to: Date, names: readonly RollupName[] = ROLLUP_NAMES): Promise<void> {
  for (const name of names) {
    const { sums } = ROLLUPS[name];
    const totals = sql.table(`report_${name}_totals`);
    await sql`DELETE FROM ${totals} WHERE tenant_id = ${tenantId} AND hour >= ${from} AND hour < ${to}`.execute(trx);
    await sql`
      INSERT INTO ${totals} (tenant_id, hour, ${sql.join(sums.map((c) => sql.ref(c)))})
      SELECT tenant_id, hour, ${sql.join(sums.map((c) => sql`sum(${sql.ref(c)})`))}
        FROM ${sql.table(`report_${name}_hourly`)} WHERE tenant_id = ${tenantId} AND hour >= ${from} AND hour < ${to}
       GROUP BY 1, 2`.execute(trx);
  }
}
