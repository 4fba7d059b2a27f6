import { randomUUID } from 'node:crypto';
import { mkdir, rm, stat } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import { ValidationError } from '../../core/errors.js';
import { bodyStream } from '../../core/http/body.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer } from '../../console/server/api/answers.js';
import { inertCell } from '../csv-columns.js';
import { enqueueContactImport } from '../contact-import.js';
import { contentDisposition } from '../../core/attachments/serve.js';
import type { ImportStatus } from '../schema.js';

/** The largest CSV file accepted (100,000 contacts take about 15 MB). */
export const MAX_IMPORT_BYTES = 200 * 1024 * 1024;

type ImportRow = {
  id: string;
  file_name: string;
  status: ImportStatus;
  total_bytes: string;
  bytes_done: string;
  rows_done: number;
  created_count: number;
  updated_count: number;
  failed_count: number;
  error: string | null;
  created_at: Date;
  finished_at: Date | null;
};
const at = z.string().describe('an instant, ISO 8601 (UTC)');
/** A contact import: how far it got and what it did. */
const importJobSchema = z
  .object({
    id: z.string(),
    fileName: z.string(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    progress: z.number().describe('0–100, by bytes read'),
    rows: z.number(),
    created: z.number(),
    updated: z.number(),
    failed: z.number().describe('rows refused; GET …/errors lists them'),
    error: z.string().nullable(),
    createdAt: at,
    finishedAt: at.nullable(),
  })
  .meta({ id: 'ImportJob' });
const importList = z.object({ imports: z.array(importJobSchema) });

const view = (r: ImportRow): z.infer<typeof importJobSchema> => ({
  id: r.id,
  fileName: r.file_name,
  status: r.status,
  /** 0–100, by bytes read. */
  progress: r.status === 'done' ? 100 : Number(r.total_bytes) > 0 ? Math.min(99, Math.floor((Number(r.bytes_done) * 100) / Number(r.total_bytes))) : 0,
  rows: r.rows_done,
  created: r.created_count,
  updated: r.updated_count,
  failed: r.failed_count,
  error: r.error,
  createdAt: new Date(r.created_at).toISOString(),
  finishedAt: r.finished_at ? new Date(r.finished_at).toISOString() : null,
});
const columns = [
  'id',
  'file_name',
  'status',
  'total_bytes',
  'bytes_done',
  'rows_done',
  'created_count',
  'updated_count',
  'failed_count',
  'error',
  'created_at',
  'finished_at',
] as const;

/**
 * CSV imports of contacts: upload queues a background job (crm/contact-import.ts, run by a console
 * process's job runner); its progress and per-row errors are read here.
 */
export function contactImportRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/contact-imports',
      tag: 'contacts',
      summary:
        'Import contacts from a CSV file (the raw file as the body, its name in ?name=). Columns: id, name, email, phone, company, tags (separated by ;) and custom field keys. A row with an id or a known e-mail updates that contact. Answers the import job, 202',
      access: { permission: 'contacts.import' },
      query: z.object({ name: z.string().trim().min(1).max(255).default('contacts.csv') }),
      responds: importJobSchema,
      raw: true,
      maxBodyBytes: MAX_IMPORT_BYTES,
      handler: async ({ c, ctx, tenant, auth, query }) => {
        const body = bodyStream(c, MAX_IMPORT_BYTES);
        if (!body) throw new ValidationError('the body must be the CSV file', [{ field: 'body', message: 'empty' }]);
        const dir = join(ctx.config.dataDir, 'imports', tenant.id);
        await mkdir(dir, { recursive: true });
        const path = join(dir, `${randomUUID()}.csv`);
        try {
          await pipeline(body, createWriteStream(path));
        } catch (error) {
          await rm(path, { force: true });
          throw error;
        }
        const size = (await stat(path)).size;
        if (size === 0) {
          await rm(path, { force: true });
          throw new ValidationError('the body must be the CSV file', [{ field: 'body', message: 'empty' }]);
        }
        const row = await ctx.database.db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('contact_imports')
            .values({ tenant_id: tenant.id, created_by: auth.principal.userId, file_name: query.name, file_path: path, total_bytes: size })
            .returning(columns)
            .executeTakeFirstOrThrow();
          await enqueueContactImport(trx, { id: created.id, tenantId: tenant.id });
          await audit(trx, auth, 'contacts.import_started', { type: 'contact_import', id: created.id }, { fileName: query.name, bytes: size });
          return created;
        });
        return answer(c, importJobSchema, view(row), 202);
      },
    }),
    route({
      method: 'get',
      path: '/contact-imports',
      tag: 'contacts',
      summary: 'The latest contact imports, newest first',
      access: { permission: 'contacts.import' },
      responds: importList,
      handler: async ({ c, ctx, tenant }) => {
        const rows = await ctx.database.db
          .selectFrom('contact_imports')
          .select(columns)
          .where('tenant_id', '=', tenant.id)
          .orderBy('created_at', 'desc')
          .limit(20)
          .execute();
        return answer(c, importList, { imports: rows.map(view) });
      },
    }),
    route({
      method: 'get',
      path: '/contact-imports/:id',
      tag: 'contacts',
      summary: "One import's status and progress: rows read, contacts created and updated, rows refused",
      access: { permission: 'contacts.import' },
      params: idParams,
      responds: importJobSchema,
      handler: async ({ c, ctx, tenant, params }) => {
        const row = found(
          await ctx.database.db.selectFrom('contact_imports').select(columns).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'import',
        );
        return answer(c, importJobSchema, view(row));
      },
    }),
    route({
      method: 'get',
      path: '/contact-imports/:id/errors',
      tag: 'contacts',
      summary: "The rows an import refused and why, as CSV (row number as in the file's data rows, message)",
      access: { permission: 'contacts.import' },
      params: idParams,
      responds: 'text/csv',
      handler: async ({ c, ctx, tenant, params }) => {
        const db = ctx.database.db;
        const job = found(
          await db.selectFrom('contact_imports').select(['id', 'file_name']).where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'import',
        );
        async function* rows() {
          yield ['row', 'message'];
          let after = 0;
          for (;;) {
            const page = await db
              .selectFrom('contact_import_errors')
              .select(['row_number', 'message'])
              .where('tenant_id', '=', tenant.id)
              .where('import_id', '=', job.id)
              .where('row_number', '>', after)
              .orderBy('row_number')
              .limit(1000)
              .execute();
            for (const e of page) yield [String(e.row_number), inertCell(e.message)];
            if (page.length < 1000) return;
            after = page[page.length - 1]!.row_number;
          }
        }
        const csv = Readable.from(rows()).pipe(stringify({ bom: true }));
        c.header('Content-Type', 'text/csv; charset=utf-8');
        c.header('Content-Disposition', contentDisposition(`${job.file_name.replace(/\.csv$/i, '')}-errors.csv`));
        return c.body(Readable.toWeb(csv) as unknown as ReadableStream);
      },
    }),
  ];
}
