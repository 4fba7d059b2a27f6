import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../../core/db/database.js';
import { CANNED_VARIABLES, unknownCannedVariables } from '../../../core/domain/canned-variables.js';
import { ConflictError } from '../../../core/errors.js';
import { found, idParams } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { answer, cannedResponseSchema } from '../api/answers.js';

const body = z.object({
  shortcut: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'lowercase letters, digits, _ and -'),
  title: z.string().trim().min(1).max(200),
  // A misspelt placeholder would reach customers in braces: refuse it while the admin is there.
  body: z
    .string()
    .min(1)
    .max(10_000)
    .superRefine((text, check) => {
      const unknown = unknownCannedVariables(text);
      if (unknown.length)
        check.addIssue({ code: 'custom', message: `unknown variable ${unknown.join(', ')}; use ${CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ')}` });
    }),
});

async function shortcutFree(db: Db, tenantId: string, shortcut: string, exceptId?: string) {
  let q = db.selectFrom('canned_responses').select('id').where('tenant_id', '=', tenantId).where('shortcut', '=', shortcut);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new ConflictError('a canned response with that shortcut exists');
}

const columns = ['id', 'shortcut', 'title', 'body'] as const;

const cannedList = z.object({ cannedResponses: z.array(cannedResponseSchema) });

export function cannedResponseRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/canned-responses',
      tag: 'canned responses',
      summary: 'Saved replies, optionally filtered by text',
      responds: cannedList,
      access: { anyOf: ['conversations.reply', 'admin.canned_responses'] },
      query: z.object({ q: z.string().trim().min(1).max(100).optional() }),
      handler: async ({ c, ctx, tenant, query }) => {
        let q = ctx.database.db.selectFrom('canned_responses').select(columns).where('tenant_id', '=', tenant.id);
        if (query.q) {
          const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
          q = q.where((eb) => eb.or([eb('shortcut', 'ilike', like), eb('title', 'ilike', like), eb('body', 'ilike', like)]));
        }
        return answer(c, cannedList, { cannedResponses: await q.orderBy('shortcut').execute() });
      },
    }),
    route({
      method: 'post',
      path: '/canned-responses',
      responds: cannedResponseSchema,
      tag: 'canned responses',
      summary: 'Add a saved reply',
      access: { permission: 'admin.canned_responses' },
      body,
      example: { shortcut: 'hello', title: 'Greeting', body: 'Hello, how can I help?' },
      handler: async ({ c, ctx, tenant, auth, body: input }) => {
        const db = ctx.database.db;
        await shortcutFree(db, tenant.id, input.shortcut);
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('canned_responses')
            .values({ tenant_id: tenant.id, ...input })
            .returning(columns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'canned_response.created', { type: 'canned_response', id: created.id }, { shortcut: input.shortcut });
          return created;
        });
        return answer(c, cannedResponseSchema, row, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/canned-responses/:id',
      responds: cannedResponseSchema,
      tag: 'canned responses',
      summary: 'Edit a saved reply',
      access: { permission: 'admin.canned_responses' },
      params: idParams,
      body: body.partial().refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { title: 'Hi' },
      handler: async ({ c, ctx, tenant, auth, params, body: input }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('canned_responses').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'canned response',
        );
        if (input.shortcut) await shortcutFree(db, tenant.id, input.shortcut, params.id);
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('canned_responses')
            .set({ ...input, updated_at: sql`now()` })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .returning(columns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'canned_response.updated', { type: 'canned_response', id: params.id }, { fields: Object.keys(input) });
          return updated;
        });
        return answer(c, cannedResponseSchema, row);
      },
    }),
    route({
      method: 'delete',
      path: '/canned-responses/:id',
      tag: 'canned responses',
      summary: 'Delete a saved reply',
      access: { permission: 'admin.canned_responses' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        found(
          await db.selectFrom('canned_responses').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(),
          'canned response',
        );
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('canned_responses').where('tenant_id', '=', tenant.id).where('id', '=', params.id).execute();
          await audit(trx, auth, 'canned_response.deleted', { type: 'canned_response', id: params.id });
        });
        return c.body(null, 204);
      },
    }),
  ];
}
