import { sql } from 'kysely';
import type { Db } from '../../../core/db/database.js';
import { attachmentsOf } from './holdings.js';
import { removeFiles } from './erase.js';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';

const BATCH = 200;

export interface RetentionReport {
  id: string;
  conversationDays: number | null;
  fileDays: number | null;
  conversationsRemoved: number;
  messagesRemoved: number;
  filesRemoved: number;
  bytesRemoved: number;
  error: string | null;
  startedBy: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export const reportView = (r: {
  id: string;
  conversation_days: number | null;
  file_days: number | null;
  conversations_removed: number;
  messages_removed: number;
  files_removed: number;
  bytes_removed: string | number;
  error: string | null;
  started_by: string | null;
  started_at: Date;
  finished_at: Date | null;
}): RetentionReport => ({
  id: r.id,
  conversationDays: r.conversation_days,
  fileDays: r.file_days,
  conversationsRemoved: r.conversations_removed,
  messagesRemoved: r.messages_removed,
  filesRemoved: r.files_removed,
  bytesRemoved: Number(r.bytes_removed),
  error: r.error,
  startedBy: r.started_by,
  startedAt: new Date(r.started_at).toISOString(),
  finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
});

/**
 * Applies a company's retention policy once: resolved conversations whose last activity is older
 * than `conversation_days` go with their messages, ratings and files; files older than
 * `file_days` go when every conversation that carries them is resolved. Open conversations and
 * their files are never touched. Works in batches, each its own transaction, and writes what it
 * removed to `retention_runs`.
 */
export async function runRetention(db: Db, dataDir: string, tenantId: string, startedBy: string | null): Promise<RetentionReport> {
  const policy = await db.selectFrom('retention_policies').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
  const run = await db
    .insertInto('retention_runs')
    .values({ tenant_id: tenantId, started_by: startedBy, conversation_days: policy?.conversation_days ?? null, file_days: policy?.file_days ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  const totals = { conversations: 0, messages: 0, files: 0, bytes: 0 };
  let error: string | null = null;
  try {
    if (policy?.conversation_days) await removeConversations(db, dataDir, tenantId, policy.conversation_days, totals);
    if (policy?.file_days) await removeFilesOlderThan(db, dataDir, tenantId, policy.file_days, totals);
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  await db.updateTable('retention_policies').set({ next_run_at: sql`now() + interval '1 day'` }).where('tenant_id', '=', tenantId).execute();
  const row = await db
    .updateTable('retention_runs')
    .set({
      conversations_removed: totals.conversations,
      messages_removed: totals.messages,
      files_removed: totals.files,
      bytes_removed: totals.bytes,
      error,
      finished_at: sql`now()`,
    })
    .where('id', '=', run.id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return reportView(row);
}

type Totals = { conversations: number; messages: number; files: number; bytes: number };

async function removeConversations(db: Db, dataDir: string, tenantId: string, days: number, totals: Totals): Promise<void> {
  for (;;) {
    const paths = await db.transaction().execute(async (trx) => {
      const batch = await trx
        .selectFrom('conversations')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('status', '=', 'resolved')
        .where(sql<boolean>`coalesce(resolved_at, last_message_at, updated_at) < now() - make_interval(days => ${days})`)
        .orderBy('id')
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      if (batch.length === 0) return undefined;
      const ids = batch.map((c) => c.id);
      const files = await attachmentsOf(trx, tenantId, ids);
      const messages = await trx
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('tenant_id', '=', tenantId)
        .where('conversation_id', 'in', ids)
        .executeTakeFirstOrThrow();
      if (files.length)
        await trx
          .deleteFrom('attachments')
          .where('tenant_id', '=', tenantId)
          .where(
            'id',
            'in',
            files.map((f) => f.id),
          )
          .execute();
      await trx.deleteFrom('conversations').where('tenant_id', '=', tenantId).where('id', 'in', ids).execute();
      totals.conversations += ids.length;
      totals.messages += Number(messages.n);
      return files.map((f) => f.storage_path);
    });
    if (!paths) return;
    await countAndRemove(dataDir, paths, totals);
  }
}

async function removeFilesOlderThan(db: Db, dataDir: string, tenantId: string, days: number, totals: Totals): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { paths, last } = await db.transaction().execute(async (trx) => {
      const candidates = await trx
        .selectFrom('attachments')
        .select(['id', 'storage_path'])
        .where('tenant_id', '=', tenantId)
        .where('id', '>', after)
        .where(sql<boolean>`created_at < now() - make_interval(days => ${days})`)
        .orderBy('id')
        .limit(BATCH)
        .execute();
      if (candidates.length === 0) return { paths: undefined, last: after };
      const ids = candidates.map((c) => c.id);
      // Which of them a message carries, and whether any carrying conversation is still open.
      const carried = await sql<{ aid: string; open: boolean; message_ids: string[] }>`
        SELECT e ->> 'attachmentId' AS aid, bool_or(c.status <> 'resolved') AS open, array_agg(DISTINCT m.id::text) AS message_ids
        FROM messages m
        JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
        CROSS JOIN LATERAL jsonb_array_elements(m.content) AS e
        WHERE m.tenant_id = ${tenantId} AND e ->> 'attachmentId' = ANY(${ids}::text[])
        GROUP BY 1`.execute(trx);
      const gone = carried.rows.filter((r) => !r.open);
      const closed = gone.map((r) => r.aid);
      if (closed.length) {
        await trx.deleteFrom('attachments').where('tenant_id', '=', tenantId).where('id', 'in', closed).execute();
        // The messages keep the file's name and show it as no longer available.
        await sql`
          UPDATE messages SET content = (
            SELECT jsonb_agg(CASE WHEN p.part ->> 'attachmentId' = ANY(${closed}::text[]) THEN p.part - 'attachmentId' ELSE p.part END ORDER BY p.n)
            FROM jsonb_array_elements(messages.content) WITH ORDINALITY AS p(part, n))
          WHERE tenant_id = ${tenantId} AND id = ANY(${gone.flatMap((r) => r.message_ids)}::bigint[])`.execute(trx);
      }
      const keep = new Set(closed);
      return { paths: candidates.filter((c) => keep.has(c.id)).map((c) => c.storage_path), last: ids[ids.length - 1]! };
    });
    if (!paths) return;
    after = last;
    await countAndRemove(dataDir, paths, totals);
  }
}

async function countAndRemove(dataDir: string, paths: string[], totals: Totals): Promise<void> {
  for (const path of paths)
    totals.bytes += await stat(join(dataDir, path)).then(
      (s) => s.size,
      () => 0,
    );
  totals.files += paths.length;
  await removeFiles(dataDir, paths);
}

/**
 * Runs every company's policy that is due, one at a time; the policy row is held (SKIP LOCKED)
 * only while it is picked, and `next_run_at` moves a day on with each run.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;

  constructor(
    private readonly ctx: { db: Db; dataDir: string; warn(error: unknown): void },
    private readonly pollMs = 60_000,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.runDue()
        .catch((error) => this.ctx.warn(error))
        .then(() => this.schedule());
    }, this.pollMs);
    this.timer.unref();
  }

  /** Runs the due policies; returns how many ran. */
  async runDue(): Promise<number> {
    let ran = 0;
    for (;;) {
      const due = await this.ctx.db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('retention_policies')
          .select('tenant_id')
          .where('next_run_at', '<=', sql<Date>`now()`)
          .where((eb) => eb.or([eb('conversation_days', 'is not', null), eb('file_days', 'is not', null)]))
          .limit(1)
          .forUpdate()
          .skipLocked()
          .executeTakeFirst();
        if (row)
          await trx.updateTable('retention_policies').set({ next_run_at: sql`now() + interval '1 day'` }).where('tenant_id', '=', row.tenant_id).execute();
        return row?.tenant_id;
      });
      if (!due) break;
      await runRetention(this.ctx.db, this.ctx.dataDir, due, null);
      ran += 1;
    }
    return ran;
  }
}
