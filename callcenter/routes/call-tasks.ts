import { parse } from 'csv-parse/sync';
import { sql } from 'kysely';
import { z } from 'zod';
import type { Db } from '../../core/db/database.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../core/errors.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer } from '../../console/server/api/answers.js';
import { contactsQuery } from '../../crm/part.js';
import { callTaskSummarySchema } from './shapes.js';

const PHONE = /^\+?[0-9]{3,20}$/;
const MAX_ROWS = 50_000;

const taskBody = z
  .object({
    name: z.string().trim().min(1).max(200),
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    agentIds: z.array(z.uuid()).min(1).max(500),
  })
  .refine((b) => new Date(b.endsAt) > new Date(b.startsAt), { message: 'ends before it starts', path: ['endsAt'] });

/** An outbound call task as created: its window and its agents. */
const callTaskSchema = callTaskSummarySchema.extend({ agentIds: z.array(z.string()) }).meta({ id: 'CallTask' });

/** A task's progress: customers by state, and how many calls ended with each result. */
const callTaskProgressSchema = callTaskSummarySchema
  .extend({
    progress: z.object({ total: z.number(), pending: z.number(), inProgress: z.number(), done: z.number() }),
    results: z.record(z.string(), z.number()).describe('calls done, by the result the agent recorded'),
  })
  .meta({ id: 'CallTaskProgress' });

const rowErrorSchema = z.object({ line: z.number(), message: z.string() });

const importedSchema = z
  .object({ imported: z.number(), duplicates: z.number().describe('rows whose number the task already had'), errors: z.array(rowErrorSchema) })
  .meta({ id: 'CallTaskImport' });

const contactsAddedSchema = z.object({
  added: z.number(),
  withoutPhone: z.array(z.string()).describe('customers left out: they have no phone number'),
  unknown: z.array(z.string()).describe('ids that are no customer the caller may see'),
});

/** A customer of a task, taken by the agent who calls them. */
const callTaskTargetSchema = z
  .object({ id: z.string(), name: z.string().nullable(), phone: z.string(), contactId: z.string().nullable(), position: z.number() })
  .meta({ id: 'CallTaskTarget' });

const nextTargetSchema = z.object({ target: callTaskTargetSchema.nullable().describe('null when every customer is taken') });

const targetDoneSchema = z.object({ id: z.string(), status: z.literal('done') });

/** Reads an uploaded customer list: a header row with `phone` (and `name`); each bad row is reported with its line, the rest imported. */
export function readCustomerCsv(text: string): { rows: { line: number; name: string | null; phone: string }[]; errors: { line: number; message: string }[] } {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, {
      columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
      info: true,
      skip_empty_lines: true,
      trim: true,
      bom: true,
      relax_column_count: true,
    });
  } catch (error) {
    throw new ValidationError('the file is not CSV', [{ field: 'csv', message: error instanceof Error ? error.message : String(error) }]);
  }
  if (records.length > MAX_ROWS) throw new ValidationError('too many rows', [{ field: 'csv', message: `at most ${MAX_ROWS}` }]);
  if (records.length && !('phone' in records[0]!.record))
    throw new ValidationError('the file needs a "phone" column', [{ field: 'csv', message: 'no phone column in the header' }]);
  const rows: { line: number; name: string | null; phone: string }[] = [];
  const errors: { line: number; message: string }[] = [];
  for (const { record, info } of records) {
    const phone = (record.phone ?? '').replace(/[\s-]/g, '');
    if (!phone) errors.push({ line: info.lines, message: 'no phone number' });
    else if (!PHONE.test(phone)) errors.push({ line: info.lines, message: `"${record.phone}" is not a phone number` });
    else rows.push({ line: info.lines, name: record.name?.slice(0, 200) || null, phone });
  }
  return { rows, errors };
}

async function taskOf(db: Db, tenantId: string, id: string) {
  return found(await db.selectFrom('call_tasks').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst(), 'call task');
}

async function addTargets(
  db: Db,
  tenantId: string,
  taskId: string,
  rows: { name: string | null; phone: string; contactId?: string | null }[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const start = Number(
    (await db.selectFrom('call_task_targets').select(sql<number>`coalesce(max(position), 0)`.as('n')).where('task_id', '=', taskId).executeTakeFirstOrThrow())
      .n,
  );
  let added = 0;
  for (let i = 0; i < rows.length; i += 1000) {
    const chunk = rows.slice(i, i + 1000);
    const inserted = await db
      .insertInto('call_task_targets')
      .values(
        chunk.map((r, j) => ({
          tenant_id: tenantId,
          task_id: taskId,
          position: start + i + j + 1,
          name: r.name,
          phone: r.phone,
          contact_id: r.contactId ?? null,
          agent_id: null,
          result: null,
          note: null,
        })),
      )
      .onConflict((oc) => oc.columns(['task_id', 'phone']).doNothing())
      .returning('id')
      .execute();
    added += inserted.length;
  }
  return added;
}

/** Outbound call tasks (外呼任务): customers imported from CSV or picked in the CRM, worked through by the task's agents one call at a time. */
export function callTaskRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/call-tasks',
      tag: 'call center',
      summary: 'Create an outbound call task with its time window and agents',
      access: { permission: 'admin.voice' },
      body: taskBody,
      example: {
        name: 'Renewals',
        startsAt: '2026-12-01T09:00:00+08:00',
        endsAt: '2026-12-05T18:00:00+08:00',
        agentIds: ['00000000-0000-0000-0000-000000000000'],
      },
      responds: callTaskSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        const agents = await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).where('id', 'in', body.agentIds).execute();
        if (agents.length !== new Set(body.agentIds).size)
          throw new ValidationError('unknown agents', [{ field: 'agentIds', message: 'every agent must belong to this company' }]);
        const task = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('call_tasks')
            .values({ tenant_id: tenant.id, name: body.name, starts_at: body.startsAt, ends_at: body.endsAt, created_by: auth.principal.userId })
            .returningAll()
            .executeTakeFirstOrThrow();
          await trx
            .insertInto('call_task_agents')
            .values(agents.map((a) => ({ tenant_id: tenant.id, task_id: created.id, user_id: a.id })))
            .execute();
          await audit(trx, auth, 'call_task.created', { type: 'call_task', id: created.id }, { name: body.name });
          return created;
        });
        return answer(
          c,
          callTaskSchema,
          {
            id: task.id,
            name: task.name,
            startsAt: new Date(task.starts_at).toISOString(),
            endsAt: new Date(task.ends_at).toISOString(),
            agentIds: agents.map((a) => a.id),
          },
          201,
        );
      },
    }),
    route({
      method: 'post',
      path: '/call-tasks/:id/import',
      tag: 'call center',
      summary: 'Import customers from CSV (columns phone, name); answers with how many were added and each bad row',
      access: { permission: 'admin.voice' },
      params: idParams,
      // 5 million characters, three bytes each at most in UTF-8, with room for JSON escapes.
      maxBodyBytes: 16 * 1024 * 1024,
      body: z.object({ csv: z.string().min(1).max(5_000_000) }),
      example: { csv: 'name,phone\nWang Fang,+8613800000000\n' },
      responds: importedSchema,
      handler: async ({ c, ctx, tenant, params, body }) => {
        const db = ctx.database.db;
        await taskOf(db, tenant.id, params.id);
        const { rows, errors } = readCustomerCsv(body.csv);
        const added = await addTargets(db, tenant.id, params.id, rows);
        return answer(c, importedSchema, { imported: added, duplicates: rows.length - added, errors });
      },
    }),
    route({
      method: 'post',
      path: '/call-tasks/:id/contacts',
      tag: 'call center',
      summary: 'Add customers picked in the CRM (those without a phone number are reported)',
      access: { permission: 'admin.voice' },
      params: idParams,
      body: z.object({ contactIds: z.array(z.uuid()).min(1).max(5000) }),
      responds: contactsAddedSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        await taskOf(db, tenant.id, params.id);
        // Customers the caller may not see are reported unknown, like missing ones: the task would hand out their numbers.
        const contacts = await contactsQuery(db, auth.principal)
          .clearSelect()
          .select(['contacts.id', 'contacts.name', 'contacts.phone'])
          .where('contacts.id', 'in', body.contactIds)
          .execute();
        const withPhone = contacts.filter((k) => k.phone);
        const added = await addTargets(
          db,
          tenant.id,
          params.id,
          withPhone.map((k) => ({ name: k.name, phone: k.phone!, contactId: k.id })),
        );
        return answer(c, contactsAddedSchema, {
          added,
          withoutPhone: contacts.filter((k) => !k.phone).map((k) => k.id),
          unknown: body.contactIds.filter((id) => !contacts.some((k) => k.id === id)),
        });
      },
    }),
    route({
      method: 'post',
      path: '/call-tasks/:id/next',
      tag: 'call center',
      summary: "The agent's next customer to call (preview dialing): their open one, or the next nobody has taken",
      access: { permission: 'calls.dial' },
      params: idParams,
      responds: nextTargetSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const task = await taskOf(db, tenant.id, params.id);
        const member = await db
          .selectFrom('call_task_agents')
          .select('user_id')
          .where('task_id', '=', task.id)
          .where('user_id', '=', auth.principal.userId)
          .executeTakeFirst();
        if (!member) throw new ForbiddenError('not an agent of this task');
        const now = Date.now();
        if (now < new Date(task.starts_at).getTime() || now > new Date(task.ends_at).getTime()) throw new ConflictError('the task is outside its time window');
        const open = await db
          .selectFrom('call_task_targets')
          .selectAll()
          .where('task_id', '=', task.id)
          .where('status', '=', 'claimed')
          .where('agent_id', '=', auth.principal.userId)
          .executeTakeFirst();
        // One customer at a time; SKIP LOCKED lets agents take different customers at once, and a customer is taken only once.
        const target =
          open ??
          (await db
            .updateTable('call_task_targets')
            .set({ status: 'claimed', agent_id: auth.principal.userId, claimed_at: sql`now()` })
            .where('id', '=', (eb) =>
              eb
                .selectFrom('call_task_targets')
                .select('id')
                .where('task_id', '=', task.id)
                .where('status', '=', 'pending')
                .orderBy('position')
                .limit(1)
                .forUpdate()
                .skipLocked(),
            )
            .where('status', '=', 'pending')
            .returningAll()
            .executeTakeFirst());
        if (!target) return answer(c, nextTargetSchema, { target: null });
        return answer(c, nextTargetSchema, {
          target: { id: target.id, name: target.name, phone: target.phone, contactId: target.contact_id, position: target.position },
        });
      },
    }),
    route({
      method: 'post',
      path: '/call-tasks/:id/targets/:targetId/result',
      tag: 'call center',
      summary: 'Record the result of calling a customer the agent took',
      access: { permission: 'calls.dial' },
      params: z.object({ id: z.uuid(), targetId: z.uuid() }),
      body: z.object({ result: z.string().trim().min(1).max(200), note: z.string().max(2000).optional() }),
      example: { result: 'interested', note: 'Call again next week' },
      responds: targetDoneSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const done = await ctx.database.db
          .updateTable('call_task_targets')
          .set({ status: 'done', result: body.result, note: body.note ?? null, done_at: sql`now()` })
          .where('tenant_id', '=', tenant.id)
          .where('task_id', '=', params.id)
          .where('id', '=', params.targetId)
          .where('status', '=', 'claimed')
          .where('agent_id', '=', auth.principal.userId)
          .returning('id')
          .executeTakeFirst();
        if (!done) throw new NotFoundError('open customer of yours in this task');
        return answer(c, targetDoneSchema, { id: done.id, status: 'done' });
      },
    }),
    route({
      method: 'get',
      path: '/call-tasks/:id',
      tag: 'call center',
      summary: "A task's progress: customers waiting, being called and done, and the results",
      access: { anyOf: ['admin.voice', 'calls.dial'] },
      params: idParams,
      responds: callTaskProgressSchema,
      handler: async ({ c, ctx, tenant, params }) => {
        const db = ctx.database.db;
        const task = await taskOf(db, tenant.id, params.id);
        const counts = await db
          .selectFrom('call_task_targets')
          .select(['status', sql<number>`count(*)::int`.as('n')])
          .where('task_id', '=', task.id)
          .groupBy('status')
          .execute();
        const results = await db
          .selectFrom('call_task_targets')
          .select(['result', sql<number>`count(*)::int`.as('n')])
          .where('task_id', '=', task.id)
          .where('status', '=', 'done')
          .groupBy('result')
          .execute();
        const by = (s: string) => counts.find((k) => k.status === s)?.n ?? 0;
        const total = counts.reduce((sum, k) => sum + k.n, 0);
        return answer(c, callTaskProgressSchema, {
          id: task.id,
          name: task.name,
          startsAt: new Date(task.starts_at).toISOString(),
          endsAt: new Date(task.ends_at).toISOString(),
          progress: { total, pending: by('pending'), inProgress: by('claimed'), done: by('done') },
          results: Object.fromEntries(results.map((r) => [r.result ?? '', r.n])),
        });
      },
    }),
  ];
}
