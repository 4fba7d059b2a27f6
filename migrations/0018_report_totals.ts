import type { Kysely } from 'kysely';
import { runStatements } from './run-statements.js';

/**
 * Hourly totals of each rollup with every dimension summed away: one row per company and UTC
 * hour. An unfiltered series by day in a zone other than UTC (or by hour) reads these, 24 rows a
 * day, instead of every channel, group and agent row of the hourly rollups. Kept by the same
 * refresh that keeps the daily sums; filled here from the hourly rows already there.
 */
// The rollups as they are at this migration (reports/rollup/daily.ts has the living list): a
// migration must make the same tables whenever it runs, whatever columns come later.
const ROLLUPS: Record<string, { dims: string[]; sums: string[] }> = {
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
};

const up = Object.entries(ROLLUPS).flatMap(([name, { dims, sums }]) => [
  `CREATE TABLE report_${name}_totals (LIKE report_${name}_hourly INCLUDING DEFAULTS)`,
  `ALTER TABLE report_${name}_totals ${dims.map((d) => `DROP COLUMN ${d}`).join(', ')}`,
  // A whole hour of every agent's status seconds can pass an integer's range: sums are bigint.
  `ALTER TABLE report_${name}_totals ${sums.map((c) => `ALTER COLUMN ${c} TYPE bigint`).join(', ')}`,
  `ALTER TABLE report_${name}_totals ADD PRIMARY KEY (tenant_id, hour)`,
  `INSERT INTO report_${name}_totals (tenant_id, hour, ${sums.join(', ')})
     SELECT tenant_id, hour, ${sums.map((c) => `sum(${c})`).join(', ')} FROM report_${name}_hourly GROUP BY tenant_id, hour`,
]);

const down = Object.keys(ROLLUPS).map((name) => `DROP TABLE report_${name}_totals`);

export const migration = {
  up: (db: Kysely<any>) => runStatements(db, up),
  down: (db: Kysely<any>) => runStatements(db, down),
};
