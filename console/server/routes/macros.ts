import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { z } from 'zod';
import { can, type Permission } from '../../../core/auth/permissions.js';
import { queueReply } from '../../../core/conversations/reply.js';
import type { Context } from '../../../core/context.js';
import type { Db } from '../../../core/db/database.js';
import type { MacroAction } from '../../../core/db/schema.js';
import { CANNED_VARIABLES, fillCannedVariables, unknownCannedVariables } from '../../../core/domain/canned-variables.js';
import { conversationSnapshot } from '../../../core/domain/views.js';
import { ConflictError, ForbiddenError } from '../../../core/errors.js';
import { assignConversation, claimConversation, resolveConversation, transferConversation } from '../../../router/actions.js';
import { found, idParams, requireOwned } from '../api/checks.js';
import { route, type AnyRoute } from '../api/route.js';
import { audit } from '../audit.js';
import { visibleConversation } from './conversations.js';
import { answer, conversationChangedSchema, macroSchema } from '../api/answers.js';

const text = z
  .string()
  .trim()
  .min(1)
  .max(10_000)
  .superRefine((value, check) => {
    const unknown = unknownCannedVariables(value);
    if (unknown.length)
      check.addIssue({ code: 'custom', message: `unknown variable ${unknown.join(', ')}; use ${CANNED_VARIABLES.map((v) => `{{${v}}}`).join(', ')}` });
  });

const action = z.discriminatedUnion('type', [
  z.object({ type: z.literal('reply'), text }).strict(),
  z.object({ type: z.literal('note'), text }).strict(),
  z.object({ type: z.literal('add_tag'), tag: z.string().trim().min(1).max(50) }).strict(),
  z.object({ type: z.literal('assign_agent'), agentId: z.uuid() }).strict(),
  z.object({ type: z.literal('assign_group'), groupId: z.uuid() }).strict(),
  z.object({ type: z.literal('resolve') }).strict(),
  z.object({ type: z.literal('set_priority'), priority: z.number().int().min(-100).max(100) }).strict(),
]);

const body = z.object({
  name: z.string().trim().min(1).max(100),
  actions: z
    .array(action)
    .min(1)
    .max(20)
    .refine((list) => list.filter((a) => a.type === 'assign_agent' || a.type === 'assign_group').length <= 1, { message: 'assign to one agent or one group' })
    .refine((list) => list.findIndex((a) => a.type === 'resolve') === -1 || list.findIndex((a) => a.type === 'resolve') === list.length - 1, {
      message: 'resolve must be the last action',
    }),
});

/** What an agent must hold to have a macro do each action for them (the same as the action's own route). */
const NEEDS: Record<MacroAction['type'], Permission> = {
  reply: 'conversations.reply',
  note: 'conversations.reply',
  add_tag: 'contacts.edit',
  assign_agent: 'conversations.assign',
  assign_group: 'conversations.transfer',
  resolve: 'conversations.resolve',
  set_priority: 'conversations.assign',
};

const columns = ['id', 'name', 'actions'] as const;

async function nameFree(db: Db, tenantId: string, name: string, exceptId?: string) {
  let q = db.selectFrom('macros').select('id').where('tenant_id', '=', tenantId).where('name', '=', name);
  if (exceptId) q = q.where('id', '<>', exceptId);
  if (await q.executeTakeFirst()) throw new ConflictError('a macro with that name exists');
}

async function checkTargets(db: Db, tenantId: string, actions: MacroAction[]) {
  const agents = actions.flatMap((a) => (a.type === 'assign_agent' ? [a.agentId] : []));
  const groups = actions.flatMap((a) => (a.type === 'assign_group' ? [a.groupId] : []));
  await requireOwned(db, 'users', tenantId, agents, 'actions.agentId');
  await requireOwned(db, 'groups', tenantId, groups, 'actions.groupId');
}

/**
 * Runs a macro's actions on one conversation in one transaction, through the same functions the
 * single-action routes use; the caller has checked every permission first.
 */
async function runMacro(ctx: Context, input: { tenantId: string; conversationId: string; agentId: string; macroId: string; actions: MacroAction[] }) {
  const db = ctx.database.db;
  const result = await db.transaction().execute(async (trx) => {
    const deps = { ...ctx, database: { ...ctx.database, db: trx } };
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.conversationId)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const [contact, agent, tenant] = await Promise.all([
      trx.selectFrom('contacts').select(['name', 'email', 'phone']).where('id', '=', conversation.contact_id).executeTakeFirst(),
      trx.selectFrom('users').select('name').where('id', '=', input.agentId).executeTakeFirst(),
      trx.selectFrom('tenants').select('name').where('id', '=', input.tenantId).executeTakeFirst(),
    ]);
    const values = {
      'contact.name': contact?.name,
      'contact.email': contact?.email,
      'contact.phone': contact?.phone,
      'agent.name': agent?.name,
      'company.name': tenant?.name,
    };
    const runKey = `macro:${input.macroId}:${randomUUID()}`;
    let step = 0;
    for (const a of input.actions) {
      step += 1;
      const sender = { type: 'agent' as const, id: input.agentId };
      const base = { tenantId: input.tenantId, conversationId: input.conversationId };
      if (a.type === 'reply') {
        const now = await trx.selectFrom('conversations').select(['status', 'assignee_id']).where('id', '=', input.conversationId).executeTakeFirstOrThrow();
        if (!now.assignee_id && (now.status === 'queued' || now.status === 'open')) await claimConversation(deps, { ...base, agentId: input.agentId });
        await queueReply(trx, { ...base, sender, parts: [{ type: 'text', text: fillCannedVariables(a.text, values) }], clientId: `${runKey}:${step}` });
      } else if (a.type === 'note') {
        await queueReply(trx, {
          ...base,
          sender,
          parts: [{ type: 'text', text: fillCannedVariables(a.text, values) }],
          clientId: `${runKey}:${step}`,
          private: true,
        });
      } else if (a.type === 'add_tag') {
        await trx
          .updateTable('contacts')
          .set({ tags: sql`(select array(select distinct unnest(tags || array[${a.tag}]::text[])))`, updated_at: sql`now()` })
          .where('tenant_id', '=', input.tenantId)
          .where('id', '=', conversation.contact_id)
          .execute();
      } else if (a.type === 'assign_agent') {
        await assignConversation(deps, { ...base, agentId: a.agentId, actorId: input.agentId });
      } else if (a.type === 'assign_group') {
        await transferConversation(deps, { ...base, actorId: input.agentId, to: { groupId: a.groupId } });
      } else if (a.type === 'resolve') {
        await resolveConversation(deps, { ...base, actorId: input.agentId });
      } else if (a.type === 'set_priority') {
        await trx
          .updateTable('conversations')
          .set({ priority: a.priority, updated_at: sql`now()` })
          .where('tenant_id', '=', input.tenantId)
          .where('id', '=', input.conversationId)
          .execute();
      }
    }
    return conversationSnapshot(await trx.selectFrom('conversations').selectAll().where('id', '=', input.conversationId).executeTakeFirstOrThrow());
  });
  ctx.relay.poke();
  return result;
}

export function macroRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/macros',
      responds: z.object({ macros: z.array(macroSchema) }),
      tag: 'macros',
      summary: 'Macros: named sets of actions an agent runs on a conversation with one click',
      access: { anyOf: ['conversations.reply', 'admin.macros'] },
      handler: async ({ c, ctx, tenant }) => {
        const macros = await ctx.database.db.selectFrom('macros').select(columns).where('tenant_id', '=', tenant.id).orderBy('name').execute();
        return answer(c, z.object({ macros: z.array(macroSchema) }), { macros });
      },
    }),
    route({
      method: 'post',
      path: '/macros',
      responds: macroSchema,
      tag: 'macros',
      summary: 'Add a macro',
      access: { permission: 'admin.macros' },
      body,
      example: {
        name: 'Close as answered',
        actions: [{ type: 'reply', text: 'Glad I could help, {{contact.name}}!' }, { type: 'add_tag', tag: 'answered' }, { type: 'resolve' }],
      },
      handler: async ({ c, ctx, tenant, auth, body: input }) => {
        const db = ctx.database.db;
        await nameFree(db, tenant.id, input.name);
        await checkTargets(db, tenant.id, input.actions);
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('macros')
            .values({ tenant_id: tenant.id, name: input.name, actions: JSON.stringify(input.actions) })
            .returning(columns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'macro.created', { type: 'macro', id: created.id }, { name: input.name });
          return created;
        });
        return answer(c, macroSchema, row, 201);
      },
    }),
    route({
      method: 'patch',
      path: '/macros/:id',
      responds: macroSchema,
      tag: 'macros',
      summary: 'Rename a macro or replace its actions',
      access: { permission: 'admin.macros' },
      params: idParams,
      body: body.partial().refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' }),
      example: { name: 'Close politely' },
      handler: async ({ c, ctx, tenant, auth, params, body: input }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('macros').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'macro');
        if (input.name) await nameFree(db, tenant.id, input.name, params.id);
        if (input.actions) await checkTargets(db, tenant.id, input.actions);
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('macros')
            .set({ ...(input.name ? { name: input.name } : {}), ...(input.actions ? { actions: JSON.stringify(input.actions) } : {}), updated_at: sql`now()` })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .returning(columns)
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'macro.updated', { type: 'macro', id: params.id }, { fields: Object.keys(input) });
          return updated;
        });
        return answer(c, macroSchema, row);
      },
    }),
    route({
      method: 'delete',
      path: '/macros/:id',
      tag: 'macros',
      summary: 'Delete a macro',
      access: { permission: 'admin.macros' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('macros').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'macro');
        await db.transaction().execute(async (trx) => {
          await trx.deleteFrom('macros').where('tenant_id', '=', tenant.id).where('id', '=', params.id).execute();
          await audit(trx, auth, 'macro.deleted', { type: 'macro', id: params.id });
        });
        return c.body(null, 204);
      },
    }),
    route({
      method: 'post',
      path: '/conversations/:id/macros/:macroId/run',
      responds: conversationChangedSchema,
      tag: 'macros',
      summary: "Run a macro's actions on a conversation, all or none; refused (403, nothing done) when the caller may not do one of them",
      access: { permission: 'conversations.reply' },
      params: z.object({ id: z.uuid(), macroId: z.uuid() }),
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        await visibleConversation(db, auth.principal, params.id);
        const macro = found(
          await db.selectFrom('macros').select(columns).where('tenant_id', '=', tenant.id).where('id', '=', params.macroId).executeTakeFirst(),
          'macro',
        );
        const missing = [...new Set(macro.actions.map((a) => NEEDS[a.type]))].filter((p) => !can(auth.principal, p));
        if (missing.length) throw new ForbiddenError(`this macro needs permissions you do not hold: ${missing.join(', ')}`);
        const conversation = await runMacro(ctx, {
          tenantId: tenant.id,
          conversationId: params.id,
          agentId: auth.principal.userId,
          macroId: macro.id,
          actions: macro.actions,
        });
        return answer(c, conversationChangedSchema, { conversation });
      },
    }),
  ];
}
