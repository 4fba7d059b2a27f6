import { sql } from 'kysely';
import type { Db } from '../../core/db/database.js';
import { answerExtent } from '../../surveys/part.js';
import { ticketExtent } from '../../tickets/part.js';
import { HOUR_MS, hourOf, reportDb } from '../schema.js';
import { rollUpConversations } from './conversations.js';
import { DAY_MS, ROLLUP_NAMES, dayOf, rollUpDays, rollUpTotals, type RollupName } from './daily.js';
import { applyIncrements, countedRows } from './increments.js';
import { rollUpAgentStates, rollUpCalls, rollUpCsat, rollUpMessages, rollUpTickets } from './tables.js';

/**
 * Recomputes rollups of one company for the hours in [from, to) from the raw tables, in one
 * transaction: those named, every one by default. The consumer recomputes the agents', calls',
 * surveys' and tickets' hours its events touch, and the full rebuild every rollup, through here;
 * messages and conversations are recomputed from the rows already added to them (increments.ts)
 * and the rest is the consumer's to add. The advisory lock keeps two refreshes of one company
 * from interleaving.
 */
export async function refreshRange(db: Db, tenantId: string, from: Date, to: Date, rollups: readonly RollupName[] = ROLLUP_NAMES): Promise<void> {
  const start = new Date(hourOf(from));
  const end = new Date(hourOf(to.getTime() - 1) + HOUR_MS);
  const has = (name: RollupName) => rollups.includes(name);
  await reportDb(db)
    .transaction()
    .execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`reports:${tenantId}`}))`.execute(trx);
      const counted = has('conversations') || has('messages') ? await countedRows(trx) : undefined;
      if (has('conversations')) await rollUpConversations(trx, tenantId, start, end, counted!.conversationLog);
      if (has('messages')) await rollUpMessages(trx, tenantId, start, end, counted!.messages);
      if (has('agent_states')) await rollUpAgentStates(trx, tenantId, start, end);
      if (has('calls')) await rollUpCalls(trx, tenantId, start, end);
      if (has('csat')) await rollUpCsat(trx, tenantId, start, end);
      if (has('tickets')) await rollUpTickets(trx, tenantId, start, end);
      await rollUpTotals(trx, tenantId, start, end, rollups);
      await rollUpDays(trx, tenantId, new Date(dayOf(start.getTime())), new Date(dayOf(end.getTime() - 1) + DAY_MS), rollups);
    });
}

/** Refreshes rollups (every one by default) for a set of hours (epoch ms of each hour's start), contiguous runs together. */
export async function refreshHours(db: Db, tenantId: string, hours: Iterable<number>, rollups: readonly RollupName[] = ROLLUP_NAMES): Promise<void> {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + HOUR_MS) j++;
    await refreshRange(db, tenantId, new Date(sorted[i]!), new Date(sorted[j]! + HOUR_MS), rollups);
    i = j + 1;
  }
}

/** The first and last instant any raw table of the company holds. */
async function extent(db: Db, tenantId: string): Promise<{ from: Date; to: Date } | undefined> {
  const { rows } = await sql<{ first: Date | null; last: Date | null }>`
    SELECT min(first) AS first, max(last) AS last FROM (
      SELECT min(at) AS first, max(at) AS last FROM report_conversation_log WHERE tenant_id = ${tenantId}
      UNION ALL SELECT min(at), max(at) FROM report_agent_log WHERE tenant_id = ${tenantId}
      UNION ALL SELECT min(created_at), max(created_at) FROM messages WHERE tenant_id = ${tenantId}
      UNION ALL SELECT min(ended_at), max(ended_at) FROM calls WHERE tenant_id = ${tenantId}
      UNION ALL ${answerExtent(tenantId)}
      UNION ALL ${ticketExtent(tenantId)}
    ) x`.execute(db);
  const row = rows[0];
  if (!row?.first || !row.last) return undefined;
  return { from: new Date(row.first), to: new Date(new Date(row.last).getTime() + 1) };
}

/**
 * Rebuilds the rollups from the raw tables: every company, or one. The messages and history rows
 * written since the last addition are added first (so the recomputation below covers them); old
 * rows outside the data's extent are dropped; then the extent is recomputed a week at a time.
 */
export async function rebuildReports(
  db: Db,
  options: { tenantId?: string; chunkHours?: number; onProgress?: (tenantId: string, upTo: Date) => void } = {},
): Promise<{ tenants: number }> {
  const tenants = options.tenantId ? [{ id: options.tenantId }] : await db.selectFrom('tenants').select('id').execute();
  const chunk = (options.chunkHours ?? 24 * 7) * HOUR_MS;
  await applyIncrements(db);
  for (const { id } of tenants) {
    for (const name of ['conversations', 'messages', 'agent_states', 'calls', 'csat', 'tickets'] as const) {
      await sql`DELETE FROM ${sql.table(`report_${name}_hourly`)} WHERE tenant_id = ${id}`.execute(db);
      await sql`DELETE FROM ${sql.table(`report_${name}_daily`)} WHERE tenant_id = ${id}`.execute(db);
      await sql`DELETE FROM ${sql.table(`report_${name}_totals`)} WHERE tenant_id = ${id}`.execute(db);
    }
    const range = await extent(db, id);
    if (!range) continue;
    for (let at = hourOf(range.from); at < range.to.getTime(); at += chunk) {
      const upTo = new Date(Math.min(at + chunk, hourOf(range.to.getTime() - 1) + HOUR_MS));
      await refreshRange(db, id, new Date(at), upTo);
      options.onProgress?.(id, upTo);
    }
  }
  return { tenants: tenants.length };
}
