import { sql } from 'kysely';
import { z } from 'zod';
import { can } from '../../core/auth/permissions.js';
import type { Db } from '../../core/db/database.js';
import { ForbiddenError, ValidationError } from '../../core/errors.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer } from '../../console/server/api/answers.js';
import { visibleContact } from '../../crm/part.js';
import { visibleCall } from '../visible-call.js';
import { cancelCallbackReminder, scheduleCallbackReminder } from '../callback-reminders.js';

const columns = ['id', 'contact_id', 'phone', 'agent_id', 'due_at', 'note', 'status', 'result', 'call_id', 'reminded_at', 'created_at'] as const;
type Row = {
  id: string;
  contact_id: string;
  phone: string;
  agent_id: string;
  due_at: Date;
  note: string;
  status: 'planned' | 'done' | 'cancelled';
  result: string | null;
  call_id: string | null;
  reminded_at: Date | null;
  created_at: Date;
};
const at = z.string().describe('an instant, ISO 8601 (UTC)');

/** A callback plan (回访计划): who calls which customer back when, and how it ended. */
const callbackPlanSchema = z
  .object({
    id: z.string(),
    contactId: z.string(),
    phone: z.string(),
    agentId: z.string(),
    dueAt: at,
    note: z.string(),
    status: z.enum(['planned', 'done', 'cancelled']),
    result: z.string().nullable(),
    callId: z.string().nullable().describe('the call it came from, if any'),
    remindedAt: at.nullable(),
    createdAt: at,
  })
  .meta({ id: 'CallbackPlan' });
const planList = z.object({ plans: z.array(callbackPlanSchema) });

const view = (r: Row): z.infer<typeof callbackPlanSchema> => ({
  id: r.id,
  contactId: r.contact_id,
  phone: r.phone,
  agentId: r.agent_id,
  dueAt: new Date(r.due_at).toISOString(),
  note: r.note,
  status: r.status,
  result: r.result,
  callId: r.call_id,
  remindedAt: r.reminded_at ? new Date(r.reminded_at).toISOString() : null,
  createdAt: new Date(r.created_at).toISOString(),
});

const phone = z
  .string()
  .trim()
  .regex(/^\+?[0-9*#]{3,20}$/, 'a phone number');

async function activeAgent(db: Db, tenantId: string, agentId: string) {
  const agent = await db
    .selectFrom('users')
    .select('id')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', agentId)
    .where('account_status', '=', 'active')
    .executeTakeFirst();
  if (!agent) throw new ValidationError('no such agent', [{ field: 'agentId', message: 'not an active agent of this company' }]);
}

/** Callback plans (回访计划): an agent plans to call a customer back at a time and is reminded when it is due. */
export function callbackPlanRoutes(): AnyRoute[] {
  return [
    route({
      method: 'post',
      path: '/callback-plans',
      tag: 'call center',
      summary: 'Plan a callback for a customer at a time (for oneself, or for another agent with conversations.assign)',
      access: { permission: 'calls.dial' },
      body: z.object({
        contactId: z.uuid(),
        phone: phone.optional(),
        dueAt: z.iso.datetime({ offset: true }),
        note: z.string().max(2000).default(''),
        agentId: z.uuid().optional(),
        callId: z.uuid().optional(),
      }),
      example: { contactId: '00000000-0000-0000-0000-000000000000', dueAt: '2026-12-01T09:30:00+08:00', note: 'Confirm the delivery date' },
      responds: callbackPlanSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        const agentId = body.agentId ?? auth.principal.userId;
        if (agentId !== auth.principal.userId && !can(auth.principal, 'conversations.assign'))
          throw new ForbiddenError('planning for another agent needs conversations.assign');
        await activeAgent(db, tenant.id, agentId);
        // A customer (or call) the caller may not see is a 404 like a missing one: the answer carries the phone number.
        const contact = await visibleContact(db, auth.principal, body.contactId);
        const number = body.phone ?? contact.phone;
        if (!number) throw new ValidationError('the customer has no phone number', [{ field: 'phone', message: 'required: the contact has none' }]);
        if (body.callId) await visibleCall(db, tenant.id, auth.principal, { callId: body.callId });
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('callback_plans')
            .values({
              tenant_id: tenant.id,
              contact_id: contact.id,
              phone: number,
              agent_id: agentId,
              due_at: body.dueAt,
              note: body.note,
              result: null,
              call_id: body.callId ?? null,
              created_by: auth.principal.userId,
            })
            .returning(columns)
            .executeTakeFirstOrThrow();
          await scheduleCallbackReminder(trx, tenant.id, created.id, new Date(created.due_at));
          await audit(trx, auth, 'callback_plan.created', { type: 'callback_plan', id: created.id }, { agentId });
          return created;
        });
        return answer(c, callbackPlanSchema, view(row), 201);
      },
    }),
    route({
      method: 'get',
      path: '/callback-plans',
      tag: 'call center',
      summary: "Callback plans, soonest first: one's own, or anyone's with conversations.assign",
      access: { permission: 'calls.dial' },
      query: z.object({ status: z.enum(['planned', 'done', 'cancelled']).optional(), agentId: z.uuid().optional(), contactId: z.uuid().optional() }),
      responds: planList,
      handler: async ({ c, ctx, tenant, auth, query }) => {
        let q = ctx.database.db.selectFrom('callback_plans').select(columns).where('tenant_id', '=', tenant.id);
        const agentId = can(auth.principal, 'conversations.assign') ? query.agentId : auth.principal.userId;
        if (agentId) q = q.where('agent_id', '=', agentId);
        if (query.status) q = q.where('status', '=', query.status);
        if (query.contactId) q = q.where('contact_id', '=', query.contactId);
        return answer(c, planList, { plans: (await q.orderBy('due_at').limit(500).execute()).map(view) });
      },
    }),
    route({
      method: 'patch',
      path: '/callback-plans/:id',
      tag: 'call center',
      summary: 'Reschedule, reassign (conversations.assign), mark done with a result, or cancel a callback plan',
      access: { permission: 'calls.dial' },
      params: idParams,
      body: z
        .object({
          dueAt: z.iso.datetime({ offset: true }).optional(),
          agentId: z.uuid().optional(),
          note: z.string().max(2000).optional(),
          status: z.enum(['done', 'cancelled']).optional(),
          result: z.string().trim().min(1).max(2000).optional(),
        })
        .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' })
        .refine((b) => b.status !== 'done' || b.result, { message: 'a done callback needs its result', path: ['result'] }),
      example: { status: 'done', result: 'Customer confirmed the order' },
      responds: callbackPlanSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const mayAssign = can(auth.principal, 'conversations.assign');
        const row = await db.transaction().execute(async (trx) => {
          const plan = found(
            await trx
              .selectFrom('callback_plans')
              .select(['id', 'agent_id', 'status'])
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', params.id)
              .forUpdate()
              .executeTakeFirst(),
            'callback plan',
          );
          if (plan.agent_id !== auth.principal.userId && !mayAssign) throw new ForbiddenError("another agent's callback plan");
          if (body.agentId && body.agentId !== plan.agent_id) {
            if (!mayAssign) throw new ForbiddenError('reassigning needs conversations.assign');
            await activeAgent(db, tenant.id, body.agentId);
          }
          if (plan.status !== 'planned') throw new ValidationError('this callback is closed', [{ field: 'status', message: `it is ${plan.status}` }]);
          const updated = await trx
            .updateTable('callback_plans')
            .set({
              ...(body.dueAt ? { due_at: body.dueAt, reminded_at: null } : {}),
              ...(body.agentId ? { agent_id: body.agentId } : {}),
              ...(body.note !== undefined ? { note: body.note } : {}),
              ...(body.status ? { status: body.status } : {}),
              ...(body.result ? { result: body.result } : {}),
              updated_at: sql`now()`,
            })
            .where('id', '=', plan.id)
            .returning(columns)
            .executeTakeFirstOrThrow();
          if (body.status) await cancelCallbackReminder(trx, plan.id);
          else if (body.dueAt) await scheduleCallbackReminder(trx, tenant.id, plan.id, new Date(updated.due_at));
          await audit(trx, auth, 'callback_plan.updated', { type: 'callback_plan', id: plan.id }, { changed: Object.keys(body) });
          return updated;
        });
        return answer(c, callbackPlanSchema, view(row));
      },
    }),
  ];
}
