import { sql } from 'kysely';
import type { Db } from '../../core/db/database.js';
import { answerExtent } from '../../surveys/part.js';
import { HOUR_MS, hourOf, reportDb } from '../schema.js';
import { rollUpConversations } from './conversations.js';
import { DAY_MS, dayOf, rollUpDays, rollUpTotals } from './daily.js';
import { rollUpAgentStates, rollUpCalls, rollUpCsat, rollUpMessages, rollUpTickets } from './tables.js';

/**
 * Recomputes every rollup of one company for the hours in [from, to) from the raw tables, in one
 * transaction. The incremental consumer and the full rebuild both come through here, so they
 * agree by construction; the advisory lock keeps two refreshes of one company from interleaving.
 */
export async function refreshRange(db: Db, tenantId: string, from: Date, to: Date): Promise<void> {
  const start = new Date(hourOf(from));
  const end = new Date(hourOf(to.getTime() - 1) + HOUR_MS);
  await reportDb(db)
    .transaction()
    .execute(async (trx) => {
      await sql`SELECT pg_advisory_xact_lock(hashtext(${`reports:${tenantId}`}))`.execute(trx);
      await rollUpConversations(trx, tenantId, start, end);
      await rollUpMessages(trx, tenantId, start, end);
      await rollUpAgentStates(trx, tenantId, start, end);
      await rollUpCalls(trx, tenantId, start, end);
      await rollUpCsat(trx, tenantId, start, end);
      await rollUpTickets(trx, tenantId, start, end);
      await rollUpTotals(trx, tenantId, start, end);
      await rollUpDays(trx, tenantId, new Date(dayOf(start.getTime())), new Date(dayOf(end.getTime() - 1) + DAY_MS));
    });
}

/** Refreshes a set of hours (epoch ms of each hour's start), contiguous runs together. */
export async function refreshHours(db: Db, tenantId: string, hours: Iterable<number>): Promise<void> {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + HOUR_MS) j++;
    await refreshRange(db, tenantId, new Date(sorted[i]!), new Date(sorted[j]! + HOUR_MS));
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
      UNION ALL SELECT min(created_at), greatest(max(created_at), max(solved_at), max(updated_at)) FROM tickets WHERE tenant_id = ${tenantId}
    ) x`.execute(db);
  const row = rows[0];
  if (!row?.first || !row.last) return undefined;
  return { from: new Date(row.first), to: new Date(new Date(row.last).getTime() + 1) };
}

/**
 * Rebuilds the rollups from the raw tables: every company, or one. Old rows outside the data's
 * extent are dropped first; then the extent is recomputed a week at a time.
 */
export async function rebuildReports(
  db: Db,
  options: { tenantId?: string; chunkHours?: number; onProgress?: (tenantId: string, upTo: Date) => void } = {},
): Promise<{ tenants: number }> {
  const tenants = options.tenantId ? [{ id: options.tenantId }] : await db.selectFrom('tenants').select('id').execute();
  const chunk = (options.chunkHours ?? 24 * 7) * HOUR_MS;
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
