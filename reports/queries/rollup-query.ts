import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../../core/db/database.js';

/** What a report is about: a company, a time range, a time zone for days, and filters. */
export interface ReportScope {
  tenantId: string;
  from: Date;
  to: Date;
  timeZone: string;
  channelId?: string;
  groupId?: string;
  agentId?: string;
  tag?: string;
}

export type GroupBy = 'all' | 'channel' | 'group' | 'agent' | 'day' | 'hour';

type Table =
  | 'report_conversations_hourly'
  | 'report_messages_hourly'
  | 'report_agent_states_hourly'
  | 'report_calls_hourly'
  | 'report_csat_hourly'
  | 'report_tickets_hourly';

/** The dimensions each rollup has: a filter on a dimension a table lacks does not narrow it. */
const DIMENSIONS: Record<Table, { channel: boolean; group: boolean | 'members'; agent: boolean; tag: boolean }> = {
  report_conversations_hourly: { channel: true, group: true, agent: true, tag: true },
  report_messages_hourly: { channel: true, group: false, agent: true, tag: false },
  report_agent_states_hourly: { channel: false, group: 'members', agent: true, tag: false },
  report_calls_hourly: { channel: true, group: true, agent: true, tag: false },
  report_csat_hourly: { channel: true, group: true, agent: true, tag: false },
  report_tickets_hourly: { channel: false, group: true, agent: true, tag: false },
};

function keyOf(groupBy: GroupBy, timeZone: string): RawBuilder<string> {
  switch (groupBy) {
    case 'all':
      return sql<string>`'all'`;
    case 'channel':
      return sql<string>`channel_id::text`;
    case 'group':
      return sql<string>`coalesce(group_id::text, '')`;
    case 'agent':
      return sql<string>`coalesce(agent_id::text, '')`;
    case 'day':
      return sql<string>`to_char(hour AT TIME ZONE ${timeZone}, 'YYYY-MM-DD')`;
    case 'hour':
      return sql<string>`to_char(hour AT TIME ZONE ${timeZone}, 'YYYY-MM-DD"T"HH24:00')`;
  }
}

const DAY_MS = 86_400_000;
const UTC_ZONES = new Set(['UTC', 'Etc/UTC', 'GMT', 'Etc/GMT']);

/**
 * Where the rows come from: for an unfiltered series by day or hour, the hourly totals (one row an
 * hour, every dimension summed away); otherwise whole UTC days from the daily table and only the
 * hours at the range's edges from the hourly one, unless the grouping needs hours (hours, or days
 * of another zone).
 */
function source(table: Table, scope: ReportScope, groupBy: GroupBy, unfiltered: boolean): RawBuilder<unknown> {
  const hourly = sql.table(table);
  if (unfiltered && (groupBy === 'day' || groupBy === 'hour')) {
    const totals = sql.table(table.replace(/_hourly$/, '_totals'));
    return sql`(SELECT * FROM ${totals} WHERE tenant_id = ${scope.tenantId} AND hour >= ${scope.from} AND hour < ${scope.to})`;
  }
  const daily = sql.table(table.replace(/_hourly$/, '_daily'));
  const firstDay = Math.ceil(scope.from.getTime() / DAY_MS) * DAY_MS;
  const lastDay = Math.floor(scope.to.getTime() / DAY_MS) * DAY_MS;
  const needsHours = groupBy === 'hour' || (groupBy === 'day' && !UTC_ZONES.has(scope.timeZone));
  if (needsHours || firstDay >= lastDay) {
    return sql`(SELECT * FROM ${hourly} WHERE tenant_id = ${scope.tenantId} AND hour >= ${scope.from} AND hour < ${scope.to})`;
  }
  return sql`(SELECT * FROM ${daily} WHERE tenant_id = ${scope.tenantId} AND hour >= ${new Date(firstDay)} AND hour < ${new Date(lastDay)}
    UNION ALL SELECT * FROM ${hourly} WHERE tenant_id = ${scope.tenantId}
      AND ((hour >= ${scope.from} AND hour < ${new Date(firstDay)}) OR (hour >= ${new Date(lastDay)} AND hour < ${scope.to})))`;
}

/**
 * Sums columns of one rollup over the scope, grouped by one key. Every query names the company;
 * the range and the (tenant_id, hour) indexes bound the rows read.
 */
export async function sumRollup<C extends string>(
  db: Db,
  table: Table,
  columns: readonly C[],
  scope: ReportScope,
  groupBy: GroupBy,
): Promise<Map<string, Record<C, number>>> {
  const dims = DIMENSIONS[table];
  if (groupBy === 'channel' && !dims.channel) return new Map();
  if (groupBy === 'group' && dims.group !== true) return new Map();
  const where: RawBuilder<unknown>[] = [sql`tenant_id = ${scope.tenantId}`];
  if (scope.channelId && dims.channel) where.push(sql`channel_id = ${scope.channelId}`);
  if (scope.groupId && dims.group === true) where.push(sql`group_id = ${scope.groupId}`);
  if (scope.groupId && dims.group === 'members') {
    where.push(sql`agent_id IN (SELECT user_id FROM group_members WHERE tenant_id = ${scope.tenantId} AND group_id = ${scope.groupId})`);
  }
  if (scope.agentId && dims.agent) where.push(sql`agent_id = ${scope.agentId}`);
  if (scope.tag && dims.tag) where.push(sql`tags @> ARRAY[${scope.tag}]::text[]`);
  // Only the company narrows the rows: the hourly totals can stand for them.
  const from = source(table, scope, groupBy, where.length === 1);
  const sums = sql.join(columns.map((c) => sql`coalesce(sum(${sql.ref(c)}), 0)::float8 AS ${sql.ref(c)}`));
  // A series by day or hour in a zone: the rows are first summed per UTC hour (every dimension
  // folded), and only those sums (at most 24 a day) are turned into the zone's days or hours,
  // rather than converting the time of every row.
  const inZone = groupBy === 'day' || groupBy === 'hour';
  const rowsOf = inZone
    ? sql`(SELECT hour, ${sql.join(columns.map((c) => sql`sum(${sql.ref(c)}) AS ${sql.ref(c)}`))}
             FROM ${from} AS r
            WHERE ${sql.join(where, sql` AND `)}
            GROUP BY hour) AS h`
    : sql`${from} AS r WHERE ${sql.join(where, sql` AND `)}`;
  const { rows } = await sql<Record<string, unknown>>`
    SELECT ${keyOf(groupBy, scope.timeZone)} AS key, ${sums}
      FROM ${rowsOf}
     GROUP BY 1`.execute(db);
  const result = new Map<string, Record<C, number>>();
  for (const row of rows) {
    const values = {} as Record<C, number>;
    for (const c of columns) values[c] = Number(row[c] ?? 0);
    result.set(String(row.key), values);
  }
  return result;
}

/** The sums of one key, zeros when there were none. */
export function valuesOf<C extends string>(map: Map<string, Record<C, number>>, key: string, columns: readonly C[]): Record<C, number> {
  const found = map.get(key);
  if (found) return found;
  const zeros = {} as Record<C, number>;
  for (const c of columns) zeros[c] = 0;
  return zeros;
}

/** A mean that is null (not 0) when nothing was measured. */
export const mean = (sum: number, count: number): number | null => (count > 0 ? Math.round((sum / count) * 10) / 10 : null);
export const percent = (part: number, whole: number): number | null => (whole > 0 ? Math.round((part / whole) * 1000) / 10 : null);
