import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { z } from 'zod';
import { visibilityOf } from '../../../core/auth/permissions.js';
import { ForbiddenError } from '../../../core/errors.js';
import { idParams } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { answer } from '../api/answers.js';
import { contactArchive } from '../data-rights/export.js';
import { eraseContact, removeFiles } from '../data-rights/erase.js';
import { reportView, runRetention } from '../data-rights/retention.js';
import { visibleContact } from '../../../crm/part.js';

const days = z.number().int().min(1).max(36500).nullable();

const at = z.string().describe('an instant, ISO 8601 (UTC)');
const erasedAnswer = z.object({
  erased: z
    .object({ contacts: z.number(), conversations: z.number(), messages: z.number(), files: z.number(), tickets: z.number(), calls: z.number() })
    .describe('how many of each were removed'),
});
/** What one run of the retention policy removed. */
const retentionRunSchema = z
  .object({
    id: z.string(),
    conversationDays: z.number().nullable(),
    fileDays: z.number().nullable(),
    conversationsRemoved: z.number(),
    messagesRemoved: z.number(),
    filesRemoved: z.number(),
    bytesRemoved: z.number(),
    error: z.string().nullable(),
    startedBy: z.string().nullable(),
    startedAt: at,
    finishedAt: at.nullable(),
  })
  .meta({ id: 'RetentionRun' });
const retentionDays = { conversationDays: z.number().nullable(), fileDays: z.number().nullable().describe('null: kept for ever') };
const retention = z.object({ ...retentionDays, nextRunAt: at.nullable(), runs: z.array(retentionRunSchema).describe('the last 20, newest first') });

/** A customer's data rights (the archive of everything held, erasure) and the company's retention policy. */
export function dataRightsRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/contacts/:id/archive',
      tag: 'contacts',
      summary: 'Everything held about a customer as one zip: a JSON file per kind of record and the stored files',
      access: { permission: 'contacts.export' },
      params: idParams,
      responds: 'application/zip',
      handler: async ({ c, ctx, tenant, auth, params }) => {
        // The archive holds every conversation of the customer, so only those who may see them all take it.
        if (visibilityOf(auth.principal) !== 'all')
          throw new ForbiddenError('the archive holds every conversation: it needs permission to see every conversation');
        const contact = await visibleContact(ctx.database.db, auth.principal, params.id);
        await audit(ctx.database.db, auth, 'contact.exported', { type: 'contact', id: contact.id });
        const zip = await contactArchive(ctx.database.db, ctx.config.dataDir, tenant.id, contact.id, auth.principal.userId);
        c.header('Content-Type', 'application/zip');
        c.header('Content-Disposition', `attachment; filename="customer-${contact.id}.zip"`);
        return c.body(Readable.toWeb(zip) as unknown as ReadableStream);
      },
    }),
    route({
      method: 'post',
      path: '/contacts/:id/erase',
      tag: 'contacts',
      summary:
        'Erase a customer: messages, files, identities, notes, tickets and ratings are removed, calls keep no number or recording; the audit log keeps that it happened and by whom. 409 while a conversation of theirs is open',
      access: { permission: 'contacts.erase' },
      params: idParams,
      body: z.object({}).strict(),
      example: {},
      responds: erasedAnswer,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        if (visibilityOf(auth.principal) !== 'all')
          throw new ForbiddenError('erasing removes every conversation of the customer: it needs permission to see every conversation');
        const db = ctx.database.db;
        const contact = await visibleContact(db, auth.principal, params.id);
        const erased = await db.transaction().execute(async (trx) => {
          const result = await eraseContact(trx, tenant.id, contact.id);
          await audit(trx, auth, 'contact.erased', { type: 'contact', id: contact.id }, { ...result.report });
          return result;
        });
        await removeFiles(ctx.config.dataDir, erased.files);
        return answer(c, erasedAnswer, { erased: erased.report });
      },
    }),
    route({
      method: 'get',
      path: '/retention',
      tag: 'retention',
      summary: 'How long resolved conversations and files are kept, and the reports of the last runs',
      access: { permission: 'admin.retention' },
      responds: retention,
      handler: async ({ c, ctx, tenant }) => {
        const db = ctx.database.db;
        const [policy, runs] = await Promise.all([
          db.selectFrom('retention_policies').selectAll().where('tenant_id', '=', tenant.id).executeTakeFirst(),
          db.selectFrom('retention_runs').selectAll().where('tenant_id', '=', tenant.id).orderBy('started_at', 'desc').limit(20).execute(),
        ]);
        return answer(c, retention, {
          conversationDays: policy?.conversation_days ?? null,
          fileDays: policy?.file_days ?? null,
          nextRunAt: policy && (policy.conversation_days || policy.file_days) ? new Date(policy.next_run_at).toISOString() : null,
          runs: runs.map(reportView),
        });
      },
    }),
    route({
      method: 'put',
      path: '/retention',
      tag: 'retention',
      summary: 'Keep resolved conversations, and files of resolved conversations, for so many days (null: for ever); runs daily',
      access: { permission: 'admin.retention' },
      body: z.object({ conversationDays: days, fileDays: days }),
      example: { conversationDays: 730, fileDays: 365 },
      responds: z.object(retentionDays),
      handler: async ({ c, ctx, tenant, auth, body }) => {
        await ctx.database.db.transaction().execute(async (trx) => {
          await trx
            .insertInto('retention_policies')
            .values({ tenant_id: tenant.id, conversation_days: body.conversationDays, file_days: body.fileDays, updated_by: auth.principal.userId })
            .onConflict((oc) =>
              oc
                .column('tenant_id')
                .doUpdateSet({ conversation_days: body.conversationDays, file_days: body.fileDays, updated_by: auth.principal.userId, updated_at: sql`now()` }),
            )
            .execute();
          await audit(trx, auth, 'retention.updated', { type: 'retention' }, { conversationDays: body.conversationDays, fileDays: body.fileDays });
        });
        return answer(c, z.object(retentionDays), { conversationDays: body.conversationDays, fileDays: body.fileDays });
      },
    }),
    route({
      method: 'post',
      path: '/retention/run',
      tag: 'retention',
      summary: 'Apply the retention policy now; answers the report of the run (what was removed)',
      access: { permission: 'admin.retention' },
      body: z.object({}).strict(),
      example: {},
      responds: retentionRunSchema,
      handler: async ({ c, ctx, tenant, auth }) => {
        const report = await runRetention(ctx.database.db, ctx.config.dataDir, tenant.id, auth.principal.userId);
        await audit(
          ctx.database.db,
          auth,
          'retention.run',
          { type: 'retention', id: report.id },
          { conversations: report.conversationsRemoved, files: report.filesRemoved },
        );
        return answer(c, retentionRunSchema, report);
      },
    }),
  ];
}
