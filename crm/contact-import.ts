import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { parse } from 'csv-parse';
import { sql, type Transaction } from 'kysely';
import type { Context } from '../core/context.js';
import type { Db } from '../core/db/database.js';
import type { Database } from '../core/db/schema.js';
import type { JobHandler } from '../core/jobs/runner.js';
import { loadPrincipal, visibilityOf, type Principal } from '../core/auth/permissions.js';
import { contactsQuery } from './visibility.js';
import { BASE_COLUMNS, parseRow, type FieldDef } from './csv-columns.js';

/** Rows per transaction: progress, errors and the rows themselves commit together. */
const BATCH = 1000;
const LEASE_SECONDS = 120;

/** The job kind of a contact import: one job per import, in the `jobs` table. */
export const CONTACT_IMPORT_JOB = 'crm.contact_import';
const jobKey = (importId: string) => `${CONTACT_IMPORT_JOB}:${importId}`;

type Row = Extract<ReturnType<typeof parseRow>, { ok: true }> & { line: number };

/** Queues an import for the console processes' job runners: its job, written with its row. */
export async function enqueueContactImport(db: Db | Transaction<Database>, contactImport: { id: string; tenantId: string }): Promise<void> {
  await db
    .insertInto('jobs')
    .values({
      tenant_id: contactImport.tenantId,
      kind: CONTACT_IMPORT_JOB,
      key: jobKey(contactImport.id),
      run_at: sql<Date>`now()`,
      payload: JSON.stringify({ importId: contactImport.id }),
    })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}

/**
 * Gives a job to every import still to run that has none (one queued before imports were jobs):
 * a console process does it as it starts.
 */
export async function enqueueUnqueuedImports(db: Db): Promise<number> {
  const result = await sql`
    insert into jobs (tenant_id, kind, key, run_at, payload)
    select i.tenant_id, ${CONTACT_IMPORT_JOB}::text, ${`${CONTACT_IMPORT_JOB}:`}::text || i.id::text, now(), jsonb_build_object('importId', i.id)
    from contact_imports i
    where i.status in ('queued', 'running')
    on conflict (key) do nothing`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * An import's job. The process whose runner takes it runs the import in the background (one at a
 * time: a process already importing leaves the job to another) and moves the job past the
 * import's lease; the import removes its job when it ends. So the job comes due again only if the
 * process died, and then whichever console process takes it resumes the import, once its lease
 * has lapsed.
 */
export function contactImportJob(imports: ContactImports): JobHandler {
  return {
    kind: CONTACT_IMPORT_JOB,
    async run(trx, job) {
      const { importId } = job.payload as { importId: string };
      const row = await trx
        .selectFrom('contact_imports')
        .select(['status', 'lease_until', sql<boolean>`coalesce(lease_until > now(), false)`.as('leased')])
        .where('id', '=', importId)
        .executeTakeFirst();
      if (!row || row.status === 'done' || row.status === 'failed') return 'done';
      const next = row.leased ? row.lease_until! : sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`;
      if (!row.leased && imports.busy) return 'busy';
      await trx.updateTable('jobs').set({ run_at: next }).where('id', '=', job.id).execute();
      if (!row.leased) imports.take(importId);
      return 'rescheduled';
    },
  };
}

/**
 * Runs CSV contact imports in the background, one at a time per process, streaming the file
 * so memory stays bounded whatever its size. Each batch of rows commits with the import's
 * progress, so an import interrupted by a restart resumes after the last committed row: no row
 * is lost or applied twice. A lease keeps two console processes off the same import.
 */
export class ContactImports {
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly ctx: Context) {}

  /** Whether an import is running in this process. */
  get busy(): boolean {
    return this.running !== undefined;
  }

  /** Runs the import in the background, if its lease is free (it is this process's then). */
  take(importId: string): void {
    if (this.stopped || this.running) return;
    this.running = this.claimAndRun(importId)
      .catch((error) => this.ctx.logger.error({ err: error, importId }, 'contact import runner failed'))
      .finally(() => {
        this.running = undefined;
      });
  }

  /** Lets the current batch finish; the import resumes when its job comes due again. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Waits until nothing is running (tests). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async claimAndRun(importId: string): Promise<void> {
    const job = await this.claim(importId);
    if (!job) return;
    try {
      await this.run(job);
    } catch (error) {
      if (this.stopped) return;
      this.ctx.logger.warn({ err: error, importId: job.id }, 'contact import failed');
      await this.end(job.id, { status: 'failed', error: String((error as Error).message ?? error).slice(0, 500) });
    }
  }

  private async claim(importId: string) {
    return this.ctx.database.db
      .updateTable('contact_imports')
      .set({ status: 'running', lease_until: sql`now() + make_interval(secs => ${LEASE_SECONDS})` })
      .where('id', '=', importId)
      .where('status', 'in', ['queued', 'running'])
      .where((w) => w.or([w('lease_until', 'is', null), w('lease_until', '<', sql<Date>`now()`)]))
      .returningAll()
      .executeTakeFirst();
  }

  /** Ends the import, done or failed, and removes its job with it. */
  private async end(importId: string, outcome: { status: 'done' } | { status: 'failed'; error: string }): Promise<void> {
    await this.ctx.database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('contact_imports')
        .set(
          outcome.status === 'done'
            ? { status: 'done', finished_at: sql`now()`, lease_until: null, bytes_done: sql`total_bytes` }
            : { status: 'failed', error: outcome.error, finished_at: sql`now()`, lease_until: null },
        )
        .where('id', '=', importId)
        .execute();
      await trx.deleteFrom('jobs').where('key', '=', jobKey(importId)).execute();
    });
  }

  private async run(job: { id: string; tenant_id: string; file_path: string; rows_done: number; created_by: string | null }): Promise<void> {
    const db = this.ctx.database.db;
    const fields = new Map<string, FieldDef>(
      (await db.selectFrom('custom_fields').select(['key', 'type', 'options']).where('tenant_id', '=', job.tenant_id).execute()).map((f) => [f.key, f]),
    );
    const known = new Set<string>([...BASE_COLUMNS, ...fields.keys()]);
    // Rows update only contacts the importer may see; the others are as if missing.
    // Loaded before the file is opened: the parser's errors need a reader from the start.
    const importer = job.created_by ? await loadPrincipal(db, job.tenant_id, job.created_by) : undefined;
    const parser = createReadStream(job.file_path).pipe(
      parse({
        bom: true,
        columns: (header: string[]) => {
          const names = header.map((h) => h.trim().toLowerCase());
          const unknown = names.filter((n) => !known.has(n));
          if (unknown.length) throw new Error(`unknown column(s): ${unknown.join(', ')} — expected ${BASE_COLUMNS.join(', ')} or a custom field key`);
          if (!names.includes('name') && !names.includes('email') && !names.includes('phone') && !names.includes('id'))
            throw new Error('the file needs a name, email, phone or id column');
          return names;
        },
        skip_empty_lines: true,
        relax_column_count: true,
        trim: false,
        info: true,
      }),
    );
    const companies = new Map<string, string>();
    let rowNumber = 0;
    let batch: { row: number; parsed: ReturnType<typeof parseRow> }[] = [];
    let bytes = 0;
    const flush = async () => {
      if (batch.length === 0) return;
      const current = batch;
      batch = [];
      await db.transaction().execute((trx) => this.applyBatch(trx, job, importer, current, companies, rowNumber, bytes));
    };
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { bytes: number; lines: number } }>) {
      rowNumber++;
      bytes = info.bytes;
      if (rowNumber <= job.rows_done) continue;
      batch.push({ row: rowNumber, parsed: parseRow(record, fields) });
      if (batch.length >= BATCH) {
        if (this.stopped) return;
        await flush();
      }
    }
    await flush();
    await this.end(job.id, { status: 'done' });
    await rm(job.file_path, { force: true });
  }

  private async applyBatch(
    trx: Transaction<Database>,
    job: { id: string; tenant_id: string },
    importer: Principal | undefined,
    batch: { row: number; parsed: ReturnType<typeof parseRow> }[],
    companies: Map<string, string>,
    rowsDone: number,
    bytesDone: number,
  ): Promise<void> {
    const tenantId = job.tenant_id;
    const errors: { row: number; message: string }[] = [];
    const rows: Row[] = [];
    for (const { row, parsed } of batch) {
      if (parsed.ok) rows.push({ ...parsed, line: row });
      else errors.push({ row, message: parsed.errors.join('; ') });
    }
    // Companies by name, made on first sight.
    const companyNames = [...new Set(rows.map((r) => r.company).filter((c): c is string => c !== null && !companies.has(c.toLowerCase())))];
    if (companyNames.length) {
      await trx
        .insertInto('companies')
        .values(companyNames.map((name) => ({ tenant_id: tenantId, name })))
        .onConflict((oc) => oc.expression(sql`tenant_id, lower(name)`).doNothing())
        .execute();
      const found = await trx
        .selectFrom('companies')
        .select(['id', 'name'])
        .where('tenant_id', '=', tenantId)
        .where(
          sql`lower(name)`,
          'in',
          companyNames.map((n) => n.toLowerCase()),
        )
        .execute();
      for (const c of found) companies.set(c.name.toLowerCase(), c.id);
    }
    const companyOf = (r: Row) => (r.company ? (companies.get(r.company.toLowerCase()) ?? null) : null);

    // Existing contacts: by id, else by e-mail address (one array parameter each, not one per row).
    const ids = [...new Set(rows.map((r) => r.id).filter((v): v is string => v !== null))];
    const emails = [...new Set(rows.filter((r) => !r.id && r.email).map((r) => r.email!))];
    const byId = new Map(
      ids.length
        ? (
            await trx
              .selectFrom('contacts')
              .select(['id', 'attributes'])
              .where('tenant_id', '=', tenantId)
              .where('merged_into_id', 'is', null)
              .where(sql<boolean>`id = any(${ids}::uuid[])`)
              .execute()
          ).map((c) => [c.id, c])
        : [],
    );
    const byEmail = new Map<string, { id: string; attributes: Record<string, unknown> }>();
    if (emails.length) {
      // One index probe per address (the oldest contact with it), whatever the table's statistics
      // say: a table that grew during this import looks small to the planner, which would read
      // all of it for every batch.
      const found = await sql<{ id: string; attributes: Record<string, unknown>; key: string }>`
        select c.id, c.attributes, k.key
        from unnest(${emails}::text[]) as k(key)
        cross join lateral (
          select id, attributes from contacts
          where tenant_id = ${tenantId} and email is not null and lower(email) = k.key and merged_into_id is null
          order by created_at limit 1
        ) c`.execute(trx);
      for (const c of found.rows) byEmail.set(c.key, c);
    }
    if (!importer || visibilityOf(importer) !== 'all') {
      const matched = [...new Set([...byId.keys(), ...[...byEmail.values()].map((c) => c.id)])];
      const visible = new Set(
        matched.length && importer
          ? (await contactsQuery(trx, importer).clearSelect().select('contacts.id').where('contacts.id', 'in', matched).execute()).map((c) => c.id)
          : [],
      );
      for (const id of byId.keys()) if (!visible.has(id)) byId.delete(id);
      for (const [key, c] of byEmail) if (!visible.has(c.id)) byEmail.delete(key);
    }

    // Rows for one contact (an existing one, or a new e-mail address twice in this batch) fold
    // into one change, the later cells winning.
    const fold = (earlier: Row, r: Row): Row => ({
      ...earlier,
      name: r.name ?? earlier.name,
      email: r.email ?? earlier.email,
      phone: r.phone ?? earlier.phone,
      company: r.company ?? earlier.company,
      tags: r.tags ?? earlier.tags,
      attributes: { ...earlier.attributes, ...r.attributes },
    });
    const changes = new Map<string, Row>();
    const inserts = new Map<string, Row>();
    const anonymous: Row[] = [];
    let updated = 0;
    for (const r of rows) {
      const existing = r.id ? byId.get(r.id) : r.email ? byEmail.get(r.email) : undefined;
      if (r.id && !existing) {
        errors.push({ row: r.line, message: 'id: no such contact' });
        continue;
      }
      if (existing) {
        const earlier = changes.get(existing.id);
        changes.set(existing.id, earlier ? fold(earlier, r) : r);
        updated++;
        continue;
      }
      const earlier = r.email ? inserts.get(r.email) : undefined;
      if (earlier) {
        inserts.set(r.email!, fold(earlier, r));
        updated++;
      } else if (r.email) inserts.set(r.email, r);
      else anonymous.push(r);
    }
    // One statement for every change and one for every new contact, each taking the rows as one
    // JSON parameter: planning a thousand-row VALUES list costs more than the rows themselves.
    if (changes.size) {
      const values = [...changes].map(([id, r]) => ({
        id,
        name: r.name,
        email: r.email,
        phone: r.phone,
        tags: r.tags,
        company_set: r.company !== null,
        company_id: companyOf(r),
        attributes: r.attributes,
      }));
      await sql`
        update contacts c set
          name = coalesce(v.name, c.name),
          email = coalesce(v.email, c.email),
          phone = coalesce(v.phone, c.phone),
          tags = case when v.tags is null then c.tags else array(select jsonb_array_elements_text(v.tags)) end,
          company_id = case when v.company_set then v.company_id else c.company_id end,
          attributes = c.attributes || v.attributes,
          updated_at = now()
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as v(id uuid, name text, email text, phone text, tags jsonb, company_set boolean, company_id uuid, attributes jsonb)
        where c.tenant_id = ${tenantId} and c.id = v.id`.execute(trx);
    }
    const fresh = [...inserts.values(), ...anonymous];
    if (fresh.length) {
      const values = fresh.map((r) => ({
        name: r.name,
        email: r.email,
        phone: r.phone,
        tags: r.tags ?? [],
        company_id: companyOf(r),
        attributes: r.attributes,
      }));
      await sql`
        insert into contacts (tenant_id, name, email, phone, tags, company_id, attributes)
        select ${tenantId}, v.name, v.email, v.phone, array(select jsonb_array_elements_text(v.tags)), v.company_id, v.attributes
        from jsonb_to_recordset(${JSON.stringify(values)}::jsonb)
          as v(name text, email text, phone text, tags jsonb, company_id uuid, attributes jsonb)`.execute(trx);
    }
    if (errors.length) {
      await trx
        .insertInto('contact_import_errors')
        .values(errors.map((e) => ({ tenant_id: tenantId, import_id: job.id, row_number: e.row, message: e.message.slice(0, 1000) })))
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
    await trx
      .updateTable('contact_imports')
      .set({
        rows_done: rowsDone,
        bytes_done: bytesDone,
        created_count: sql`created_count + ${fresh.length}`,
        updated_count: sql`updated_count + ${updated}`,
        failed_count: sql`failed_count + ${errors.length}`,
        lease_until: sql`now() + make_interval(secs => ${LEASE_SECONDS})`,
      })
      .where('id', '=', job.id)
      .execute();
  }
}
