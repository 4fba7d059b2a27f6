import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { BusinessCalendar } from '../../core/calendar/business-hours.js';
import type { Db } from '../../core/db/database.js';
import { type ReportTrx, reportDb } from '../schema.js';
import { groupCalendars } from './calendars.js';
import { conversationCells, type ConversationLogEntry } from './conversations.js';
import { ROLLUPS, dayOf } from './daily.js';
import { keepPlan } from '../../core/db/keep-plan.js';

/*
 * Messages and the conversation history reach the rollups by addition: each row carries the id of
 * the transaction that wrote it (`insert_xid`, migration 0042) and `report_increments` keeps, per
 * source, where the rollups stand — every row of a transaction below `applied_below` is in them,
 * except those of the transactions listed in `pending`, which were still running when the mark
 * last moved. Adding takes a snapshot of the transactions running now: the rows of every
 * transaction that has ended since (those from the mark up to the snapshot's end that are not
 * running, and the pending ones that are no longer) are added to the hourly and daily rollups
 * and the hourly totals, the mark moves to the snapshot's end and the ones still running become
 * the pending list — all in one transaction. A row is counted once, however often the events
 * that announced it are delivered; a refresh costs the rows written since the last one, not the
 * rows of the hours they fall in; and a long transaction elsewhere holds back only its own rows.
 */

/** Where one source's rollups stand (xid8s as decimal text). */
interface Mark {
  source: 'messages' | 'conversation_log';
  below: string;
  pending: string[];
}

/** A filter on `insert_xid`: the rows of a source that are already in the rollups. */
export type AppliedBelow = (column: string) => RawBuilder<SqlBool>;

const appliedBelow =
  (mark: Mark | undefined): AppliedBelow =>
  (column) =>
    mark
      ? sql<SqlBool>`(${sql.ref(column)} IS NULL OR (${sql.ref(column)} < ${mark.below}::xid8 AND ${sql.ref(column)} <> ALL(${mark.pending}::xid8[])))`
      : sql<SqlBool>`(${sql.ref(column)} IS NULL)`;

async function readMarks(trx: ReportTrx, lock: 'share' | 'update'): Promise<Mark[]> {
  const query = trx
    .selectFrom('report_increments')
    .select(['source', sql<string>`applied_below::text`.as('below'), sql<string[]>`pending::text[]`.as('pending')])
    .orderBy('source');
  return lock === 'share' ? query.forShare().execute() : query.forUpdate().execute();
}

/**
 * The rows already counted, per source, for a recomputation of message and conversation rollups
 * (refresh.ts): the marks are share-locked, so no addition runs until the transaction ends and
 * the recomputed rows and the added ones never overlap.
 */
export async function countedRows(trx: ReportTrx): Promise<{ messages: AppliedBelow; conversationLog: AppliedBelow }> {
  const marks = await readMarks(trx, 'share');
  return {
    messages: appliedBelow(marks.find((m) => m.source === 'messages')),
    conversationLog: appliedBelow(marks.find((m) => m.source === 'conversation_log')),
  };
}

/** How many history rows are read, and their cells computed in memory, at a time. */
const LOG_BATCH = 5000;

/** The transactions that have ended since a mark, as of a snapshot: what to add, and the mark after it. */
interface Step {
  /** The mark and the snapshot's end: rows of transactions in [from, to) that are not running. */
  from: string;
  to: string;
  running: string[];
  /** Pending transactions that have ended: their rows too. */
  ended: string[];
  /** The pending list after this step. */
  pending: string[];
}

function stepOf(mark: Mark, snapshot: { xmax: string; running: string[] }): Step {
  const to = snapshot.xmax;
  const running = new Set(snapshot.running);
  const from = BigInt(mark.below);
  const upTo = BigInt(to);
  return {
    from: mark.below,
    to,
    running: snapshot.running,
    ended: mark.pending.filter((x) => !running.has(x)),
    pending: [...mark.pending.filter((x) => running.has(x)), ...snapshot.running.filter((x) => BigInt(x) >= from && BigInt(x) < upTo)],
  };
}

/** The rows a step adds, as a filter on `insert_xid`. */
const added = (step: Step) =>
  sql<SqlBool>`((insert_xid >= ${step.from}::xid8 AND insert_xid < ${step.to}::xid8 AND insert_xid <> ALL(${step.running}::xid8[]))
    OR insert_xid = ANY(${step.ended}::xid8[]))`;

/**
 * Adds every message and history row of the transactions that have ended since the last call to
 * the rollups, for every company, in one transaction. Answers how many rows it added. Safe to run
 * from several processes at once: the marks are locked while they move.
 */
export async function applyIncrements(db: Db): Promise<{ messages: number; conversationLog: number }> {
  return reportDb(db)
    .transaction()
    .execute(async (trx) => {
      const count = { messages: 0, conversationLog: 0 };
      const marks = await readMarks(trx, 'update');
      const { rows } = await sql<{ xmax: string; running: string[] }>`
        SELECT pg_snapshot_xmax(s)::text AS xmax, ARRAY(SELECT pg_snapshot_xip(s)::text) AS running FROM pg_current_snapshot() s`.execute(trx);
      const snapshot = rows[0]!;
      for (const mark of marks) {
        if (BigInt(mark.below) >= BigInt(snapshot.xmax) && mark.pending.length === 0) continue;
        const step = stepOf(mark, snapshot);
        if (mark.source === 'messages') count.messages += await addMessages(trx, step);
        else count.conversationLog += await addConversationLog(trx, step);
        await trx
          .updateTable('report_increments')
          .set({ applied_below: sql<string>`${step.to}::xid8`, pending: sql<string[]>`${step.pending}::xid8[]` })
          .where('source', '=', mark.source)
          .execute();
      }
      return count;
    });
}

/**
 * Whether rows were written past the marks (the consumer then comes back for them). The rows of
 * a pending transaction come with their own events when it commits, so they do not count here.
 * One index entry per source.
 */
export async function rowsWaiting(db: Db): Promise<boolean> {
  const { rows } = await sql<{ waiting: boolean | null }>`${keepPlan}
    SELECT (SELECT max(insert_xid) FROM messages) >= (SELECT applied_below FROM report_increments WHERE source = 'messages')
        OR (SELECT max(insert_xid) FROM report_conversation_log) >= (SELECT applied_below FROM report_increments WHERE source = 'conversation_log')
        AS waiting`.execute(db);
  return rows[0]?.waiting === true;
}

/**
 * Whether a pass has something to add: rows past the marks, or rows of transactions that were
 * still running at the last pass (they may have committed since). What the reports consumer
 * looks at while no event brings it.
 */
export async function incrementsDue(db: Db): Promise<boolean> {
  if (await rowsWaiting(db)) return true;
  const { rows } = await sql<{
    pending: boolean;
  }>`${keepPlan} SELECT EXISTS (SELECT 1 FROM report_increments WHERE cardinality(pending) > 0) AS pending`.execute(db);
  return rows[0]?.pending === true;
}

/** Messages in and agents' replies out (notes, bots and automatic replies excluded), as in rollUpMessages. */
async function addMessages(trx: ReportTrx, step: Step): Promise<number> {
  const { rows } = await sql<{ tenant_id: string; hour: Date; channel_id: string; agent_id: string | null; messages_in: number; messages_out: number }>`
    SELECT tenant_id, date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour, channel_id,
           CASE WHEN direction = 'out' THEN sender_id END AS agent_id,
           (count(*) FILTER (WHERE direction = 'in'))::int AS messages_in,
           (count(*) FILTER (WHERE direction = 'out'))::int AS messages_out
      FROM messages
     WHERE ${added(step)}
       AND (direction = 'in' OR (sender_type = 'agent' AND NOT private))
     GROUP BY 1, 2, 3, 4`.execute(trx);
  await addToRollup(trx, 'messages', rows);
  return rows.reduce((n, r) => n + r.messages_in + r.messages_out, 0);
}

/**
 * The history rows of a step, LOG_BATCH at a time in the order of the (insert_xid, id) index —
 * the pending transactions that have ended, then the range — each page's cells added before the
 * next is read, so a catch-up over millions of rows (a rebuild after a bulk load) holds one page.
 */
async function addConversationLog(trx: ReportTrx, step: Step): Promise<number> {
  type LogRow = ConversationLogEntry & { xid: string; id: string };
  const calendars = new Map<string, BusinessCalendar>();
  const known = new Set<string>();
  let count = 0;
  const parts = [
    sql<SqlBool>`insert_xid = ANY(${step.ended}::xid8[])`,
    sql<SqlBool>`insert_xid >= ${step.from}::xid8 AND insert_xid < ${step.to}::xid8 AND insert_xid <> ALL(${step.running}::xid8[])`,
  ];
  for (const part of step.ended.length > 0 ? parts : parts.slice(1)) {
    let after: LogRow | undefined;
    for (;;) {
      const { rows } = await sql<LogRow>`
        SELECT tenant_id, kind, at, channel_id, group_id, agent_id, tags, since, wait_since, insert_xid::text AS xid, id::text AS id
          FROM report_conversation_log
         WHERE ${part} ${after ? sql`AND (insert_xid, id) > (${after.xid}::xid8, ${after.id}::bigint)` : sql``}
         ORDER BY insert_xid, id LIMIT ${LOG_BATCH}`.execute(trx);
      if (rows.length === 0) break;
      for (const tenantId of new Set(rows.map((r) => r.tenant_id))) {
        if (known.has(tenantId)) continue;
        known.add(tenantId);
        for (const [id, c] of await groupCalendars(trx, tenantId)) calendars.set(id, c);
      }
      await addToRollup(trx, 'conversations', conversationCells(rows, calendars) as Cell[]);
      count += rows.length;
      if (rows.length < LOG_BATCH) break;
      after = rows.at(-1);
    }
  }
  return count;
}

type Cell = { tenant_id: string; hour: Date | string } & Record<string, unknown>;

/**
 * Adds cells (hourly rows of the rollup `name`, summed columns to add) to its hourly rows, its
 * daily rows and its hourly totals: an upsert on each table's key.
 */
export async function addToRollup(trx: ReportTrx, name: 'messages' | 'conversations', cells: readonly Cell[]): Promise<void> {
  if (cells.length === 0) return;
  const { dims, sums } = ROLLUPS[name];
  const keyOf = (c: Cell, hour: number, withDims: boolean) => JSON.stringify([c.tenant_id, hour, ...(withDims ? dims.map((d) => c[d] ?? null) : [])]);
  const sumInto = (into: Map<string, Cell>, c: Cell, hour: number, withDims: boolean) => {
    const key = keyOf(c, hour, withDims);
    const cell = into.get(key);
    if (!cell) {
      into.set(key, {
        tenant_id: c.tenant_id,
        hour: new Date(hour),
        ...(withDims ? Object.fromEntries(dims.map((d) => [d, c[d] ?? null])) : {}),
        ...Object.fromEntries(sums.map((s) => [s, Number(c[s] ?? 0)])),
      });
    } else for (const s of sums) cell[s] = Number(cell[s]) + Number(c[s] ?? 0);
  };
  const hourly = new Map<string, Cell>();
  const daily = new Map<string, Cell>();
  const totals = new Map<string, Cell>();
  for (const c of cells) {
    const hour = new Date(c.hour).getTime();
    sumInto(hourly, c, hour, true);
    sumInto(daily, c, dayOf(hour), true);
    sumInto(totals, c, hour, false);
  }
  await upsert(trx, `report_${name}_hourly`, [...dims], sums, [...hourly.values()]);
  await upsert(trx, `report_${name}_daily`, [...dims], sums, [...daily.values()]);
  await upsert(trx, `report_${name}_totals`, [], sums, [...totals.values()]);
}

async function upsert(trx: ReportTrx, table: string, dims: readonly string[], sums: readonly string[], rows: Cell[]): Promise<void> {
  const key = ['tenant_id', 'hour', ...dims];
  const columns = [...key, ...sums];
  for (let i = 0; i < rows.length; i += 1000) {
    const values = rows.slice(i, i + 1000).map((r) => sql`(${sql.join(columns.map((c) => r[c] ?? null))})`);
    await sql`
      INSERT INTO ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) VALUES ${sql.join(values)}
      ON CONFLICT (${sql.join(key.map((c) => sql.ref(c)))})
      DO UPDATE SET ${sql.join(sums.map((c) => sql`${sql.ref(c)} = ${sql.ref(`${table}.${c}`)} + EXCLUDED.${sql.ref(c)}`))}`.execute(trx);
  }
}
