import { sql } from 'kysely';
import { z } from 'zod';
import { fileAnswer } from '../../core/attachments/serve.js';
import { can } from '../../core/auth/permissions.js';
import { contactsWithVerifiedMatch } from '../../core/contacts/verified-match.js';
import { isGeneratedName } from '../../core/domain/contact-name.js';
import { loadChannelContext, type ConnectorDeps } from '../../core/connector/channel-context.js';
import { ConnectorError } from '../../core/connector/errors.js';
import type { Context } from '../../core/context.js';
import type { Db } from '../../core/db/database.js';
import { ConflictError, NotFoundError, ValidationError } from '../../core/errors.js';
import { visibleRecentTicketsOfContact } from '../../tickets/part.js';
import { parseFlow, type Flow, type Target } from '../ivr.js';
import { found, idParams } from '../../console/server/api/checks.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { audit } from '../../console/server/audit.js';
import { answer, conversationKindSchema, conversationStatusSchema, phoneStatusSchema } from '../../console/server/api/answers.js';
import { assertWithinReach } from '../../console/server/auth/grants.js';
import { visibleTo } from '../../console/server/conversations/visibility.js';
import { contactsQuery } from '../../crm/part.js';
import { visibleCall } from '../visible-call.js';
import { at, callDirectionSchema, callStateSchema, iso, isoOrNull, workStateSchema } from './shapes.js';

/** The connector machinery of the process serving a request. */
export type ConnectorDepsOf = (ctx: Context) => Promise<ConnectorDeps>;

const flowBody = z.object({ name: z.string().trim().min(1).max(100), definition: z.unknown() });

/** A flow that validates on its own must also name only this company's queues, agents and calendar. */
async function checkFlowReferences(db: Db, tenantId: string, flow: Flow): Promise<void> {
  const targets: { target: Target; field: string }[] = [{ target: flow.start, field: 'start' }];
  if (flow.businessHours) targets.push({ target: flow.businessHours.closed, field: 'businessHours.closed' });
  flow.menus.forEach((menu, i) => {
    for (const [key, target] of Object.entries(menu.options)) targets.push({ target, field: `menus.${i}.options.${key}` });
    if (menu.onTimeout) targets.push({ target: menu.onTimeout, field: `menus.${i}.onTimeout` });
    if (menu.onExhausted) targets.push({ target: menu.onExhausted, field: `menus.${i}.onExhausted` });
  });
  const groupIds = [...new Set(targets.flatMap(({ target }) => (target.type === 'queue' ? [target.groupId] : [])))];
  const agentIds = [...new Set(targets.flatMap(({ target }) => (target.type === 'agent' ? [target.agentId] : [])))];
  const groups = new Set(
    groupIds.length
      ? (await db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('id', 'in', groupIds).execute()).map((g) => g.id)
      : [],
  );
  const agents = new Set(
    agentIds.length ? (await db.selectFrom('users').select('id').where('tenant_id', '=', tenantId).where('id', 'in', agentIds).execute()).map((u) => u.id) : [],
  );
  const issues: { field: string; message: string }[] = [];
  for (const { target, field } of targets) {
    if (target.type === 'queue' && !groups.has(target.groupId)) issues.push({ field: `definition.${field}`, message: 'no such group' });
    if (target.type === 'agent' && !agents.has(target.agentId)) issues.push({ field: `definition.${field}`, message: 'no such agent' });
  }
  if (flow.businessHours) {
    const calendar = await db
      .selectFrom('business_calendars')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', flow.businessHours.calendarId)
      .executeTakeFirst();
    if (!calendar) issues.push({ field: 'definition.businessHours.calendarId', message: 'no such calendar' });
  }
  if (issues.length) throw new ValidationError('invalid phone menu', issues);
}

function checkedFlow(definition: unknown): Flow {
  try {
    return parseFlow(definition);
  } catch (error) {
    if (error instanceof ValidationError)
      throw new ValidationError(
        error.message,
        error.issues.map((i) => ({ ...i, field: `definition.${i.field}` })),
      );
    throw error;
  }
}

/** A phone menu: its definition is the flow POST /ivr-flows takes, as checked and stored. */
const ivrFlowSchema = z
  .object({ id: z.string(), name: z.string(), definition: z.unknown().describe('the menus, their prompts and where each key leads'), updatedAt: z.string() })
  .meta({ id: 'IvrFlow' });
const flowList = z.object({ flows: z.array(ivrFlowSchema) });

const flowView = (row: { id: string; name: string; definition: unknown; updated_at: Date }): z.infer<typeof ivrFlowSchema> => ({
  id: row.id,
  name: row.name,
  definition: row.definition,
  updatedAt: new Date(row.updated_at).toISOString(),
});

const endpointBody = z.object({
  sip: z.string().trim().min(1).max(200).nullable().optional(),
  webrtc: z.string().trim().min(1).max(200).nullable().optional(),
  mobile: z
    .string()
    .trim()
    .regex(/^\+?[0-9]{3,20}$/, 'a phone number')
    .nullable()
    .optional(),
  wrapUpSeconds: z.number().int().min(0).max(3600).optional(),
});

/** What a supervisor sees of an agent: where their phone rings, what they are doing, their queues. */
/** Where an agent's phone rings for each phone status, and their after-call work time. */
const agentPhoneSchema = z
  .object({ sip: z.string().nullable(), webrtc: z.string().nullable(), mobile: z.string().nullable(), wrapUpSeconds: z.number() })
  .meta({ id: 'AgentPhone' });

const teamSchema = z.object({
  agents: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      phoneStatus: phoneStatusSchema,
      workState: workStateSchema,
      queues: z.array(z.string()).describe('group names'),
    }),
  ),
});

/** A call conversation's record and what happened on the call, in order. */
const callDetailSchema = z
  .object({
    call: z.object({
      id: z.string(),
      direction: callDirectionSchema,
      from: z.string(),
      to: z.string(),
      state: callStateSchema,
      agentId: z.string().nullable(),
      groupId: z.string().nullable(),
      startedAt: at,
      queuedAt: at.nullable(),
      answeredAt: at.nullable(),
      endedAt: at.nullable(),
      waitSeconds: z.number().nullable(),
      talkSeconds: z.number().nullable(),
      disposition: z.string().nullable(),
      cause: z.string().nullable(),
      hasRecording: z.boolean(),
    }),
    timeline: z.array(z.object({ kind: z.string(), detail: z.record(z.string(), z.unknown()), at })),
  })
  .meta({ id: 'CallDetail' });

const contactRefSchema = z.object({ id: z.string(), name: z.string().nullable(), email: z.string().nullable(), phone: z.string().nullable() });

/** The screen pop: who is calling and what the company has had with them. */
const callPopSchema = z
  .object({
    number: z.string(),
    contact: contactRefSchema.extend({ attributes: z.record(z.string(), z.unknown()), tags: z.array(z.string()) }).nullable(),
    tickets: z.array(z.object({ id: z.string(), number: z.number(), subject: z.string(), status: z.string(), createdAt: at })),
    offerCreateContact: z.boolean().describe('the caller is known by the number only: offer to save them as a customer'),
    possibleMatches: z.array(contactRefSchema).describe('other customers the company has this number for, to merge the caller into'),
    conversations: z.array(
      z.object({
        id: z.string(),
        kind: conversationKindSchema,
        status: conversationStatusSchema,
        subject: z.string().nullable(),
        channel: z.object({ type: z.string(), name: z.string() }),
        createdAt: at,
      }),
    ),
    earlierCalls: z.array(
      z.object({
        id: z.string(),
        direction: callDirectionSchema,
        startedAt: at,
        disposition: z.string().nullable(),
        talkSeconds: z.number().nullable(),
        agentId: z.string().nullable(),
      }),
    ),
  })
  .meta({ id: 'CallPop' });

const placedSchema = z.object({ providerCallId: z.string().describe('the phone platform’s id of the call') });
const holdSchema = z.object({ callId: z.string(), onHold: z.boolean() });

/** `connectorDeps` reaches the phone platforms (recordings, dialling, hold) from the process's context. */
export function voiceRoutes(connectorDeps: ConnectorDepsOf): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/ivr-flows',
      tag: 'call center',
      summary: 'Phone menus',
      access: { permission: 'admin.voice' },
      responds: flowList,
      handler: async ({ c, ctx, tenant }) => {
        const rows = await ctx.database.db
          .selectFrom('ivr_flows')
          .select(['id', 'name', 'definition', 'updated_at'])
          .where('tenant_id', '=', tenant.id)
          .orderBy('name')
          .execute();
        return answer(c, flowList, { flows: rows.map(flowView) });
      },
    }),
    route({
      method: 'post',
      path: '/ivr-flows',
      tag: 'call center',
      summary: 'Add a phone menu (checked: no key leads nowhere, no loop without a way out, only your queues and agents)',
      access: { permission: 'admin.voice' },
      body: flowBody,
      example: {
        name: 'Main line',
        definition: {
          start: { type: 'menu', menuId: 'main' },
          menus: [{ id: 'main', prompt: { type: 'text', text: 'Press 1 for sales' }, options: { '1': { type: 'hangup' } } }],
        },
      },
      responds: ivrFlowSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const db = ctx.database.db;
        const flow = checkedFlow(body.definition);
        await checkFlowReferences(db, tenant.id, flow);
        if (await db.selectFrom('ivr_flows').select('id').where('tenant_id', '=', tenant.id).where('name', '=', body.name).executeTakeFirst()) {
          throw new ConflictError('a phone menu with that name exists');
        }
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('ivr_flows')
            .values({ tenant_id: tenant.id, name: body.name, definition: JSON.stringify(flow) })
            .returning(['id', 'name', 'definition', 'updated_at'])
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'ivr_flow.created', { type: 'ivr_flow', id: created.id }, { name: body.name });
          return created;
        });
        return answer(c, ivrFlowSchema, flowView(row), 201);
      },
    }),
    route({
      method: 'get',
      path: '/ivr-flows/:id',
      tag: 'call center',
      summary: 'One phone menu',
      access: { permission: 'admin.voice' },
      params: idParams,
      responds: ivrFlowSchema,
      handler: async ({ c, ctx, tenant, params }) => {
        const row = await ctx.database.db
          .selectFrom('ivr_flows')
          .select(['id', 'name', 'definition', 'updated_at'])
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', params.id)
          .executeTakeFirst();
        return answer(c, ivrFlowSchema, flowView(found(row, 'phone menu')));
      },
    }),
    route({
      method: 'put',
      path: '/ivr-flows/:id',
      tag: 'call center',
      summary: 'Replace a phone menu; calls already in it carry on, new calls hear the new one',
      access: { permission: 'admin.voice' },
      params: idParams,
      body: flowBody,
      responds: ivrFlowSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        const flow = checkedFlow(body.definition);
        await checkFlowReferences(db, tenant.id, flow);
        const clash = await db
          .selectFrom('ivr_flows')
          .select('id')
          .where('tenant_id', '=', tenant.id)
          .where('name', '=', body.name)
          .where('id', '<>', params.id)
          .executeTakeFirst();
        if (clash) throw new ConflictError('a phone menu with that name exists');
        const row = await db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('ivr_flows')
            .set({ name: body.name, definition: JSON.stringify(flow), updated_at: sql`now()` })
            .where('tenant_id', '=', tenant.id)
            .where('id', '=', params.id)
            .returning(['id', 'name', 'definition', 'updated_at'])
            .executeTakeFirst();
          if (updated) await audit(trx, auth, 'ivr_flow.updated', { type: 'ivr_flow', id: updated.id }, { name: body.name });
          return updated;
        });
        return answer(c, ivrFlowSchema, flowView(found(row, 'phone menu')));
      },
    }),
    route({
      method: 'delete',
      path: '/ivr-flows/:id',
      tag: 'call center',
      summary: 'Delete a phone menu no channel uses',
      access: { permission: 'admin.voice' },
      params: idParams,
      responds: 204,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const user = await db
          .selectFrom('channels')
          .select('name')
          .where('tenant_id', '=', tenant.id)
          .where(sql`config->>'ivrFlowId'`, '=', params.id)
          .executeTakeFirst();
        if (user) throw new ConflictError(`the channel "${user.name}" uses this phone menu`);
        const deleted = await db.transaction().execute(async (trx) => {
          const row = await trx.deleteFrom('ivr_flows').where('tenant_id', '=', tenant.id).where('id', '=', params.id).returning('id').executeTakeFirst();
          if (row) await audit(trx, auth, 'ivr_flow.deleted', { type: 'ivr_flow', id: row.id });
          return row;
        });
        found(deleted, 'phone menu');
        return c.body(null, 204);
      },
    }),
    route({
      method: 'put',
      path: '/agents/:id/phone',
      tag: 'call center',
      summary: "Where an agent's phone rings for each phone status (desk SIP endpoint, web phone, mobile), and their after-call work time",
      access: { permission: 'admin.voice' },
      params: idParams,
      body: endpointBody,
      example: { sip: '1001', mobile: '+8613800000000', wrapUpSeconds: 30 },
      responds: agentPhoneSchema,
      handler: async ({ c, ctx, tenant, auth, params, body }) => {
        const db = ctx.database.db;
        found(await db.selectFrom('users').select('id').where('tenant_id', '=', tenant.id).where('id', '=', params.id).executeTakeFirst(), 'agent');
        // Where a phone rings decides who hears that user's calls: not for one who holds less.
        await assertWithinReach(db, auth.principal, params.id);
        const changes = {
          ...(body.sip !== undefined ? { sip: body.sip } : {}),
          ...(body.webrtc !== undefined ? { webrtc: body.webrtc } : {}),
          ...(body.mobile !== undefined ? { mobile: body.mobile } : {}),
          ...(body.wrapUpSeconds !== undefined ? { wrap_up_seconds: body.wrapUpSeconds } : {}),
        };
        const row = await db.transaction().execute(async (trx) => {
          const saved = await trx
            .insertInto('voice_endpoints')
            .values({ tenant_id: tenant.id, user_id: params.id, sip: null, webrtc: null, mobile: null, ...changes })
            .onConflict((oc) => oc.columns(['tenant_id', 'user_id']).doUpdateSet({ ...changes, updated_at: sql`now()` }))
            .returningAll()
            .executeTakeFirstOrThrow();
          await audit(trx, auth, 'agent.phone_changed', { type: 'user', id: params.id }, {});
          return saved;
        });
        return answer(c, agentPhoneSchema, { sip: row.sip, webrtc: row.webrtc, mobile: row.mobile, wrapUpSeconds: row.wrap_up_seconds });
      },
    }),
    route({
      method: 'get',
      path: '/call-center/agents',
      tag: 'call center',
      summary: "Every agent's phone status and work state (idle, ringing, on a call, after-call work, break, offline) with their queues",
      access: { anyOf: ['admin.voice', 'admin.agents', 'reports.view'] },
      responds: teamSchema,
      handler: async ({ c, ctx, tenant }) => {
        const rows = await ctx.database.db
          .selectFrom('users as u')
          .leftJoin('voice_endpoints as e', (j) => j.onRef('e.tenant_id', '=', 'u.tenant_id').onRef('e.user_id', '=', 'u.id'))
          .select([
            'u.id',
            'u.name',
            'u.agent_status',
            'u.phone_status',
            'e.wrap_up_seconds',
            sql<
              string[]
            >`coalesce((select array_agg(g.name order by g.name) from group_members m join groups g on g.id = m.group_id where m.user_id = u.id), '{}')`.as(
              'queues',
            ),
            sql<
              string | null
            >`(select c.state from calls c where c.tenant_id = u.tenant_id and c.agent_id = u.id and c.state in ('ringing', 'answered') order by c.ringing_at desc limit 1)`.as(
              'call_state',
            ),
            sql<Date | null>`(select max(c.ended_at) from calls c where c.tenant_id = u.tenant_id and c.agent_id = u.id and c.answered_at is not null)`.as(
              'last_call_ended',
            ),
          ])
          .where('u.tenant_id', '=', tenant.id)
          .where('u.account_status', '=', 'active')
          .orderBy('u.name')
          .execute();
        const now = Date.now();
        const agents = rows.map((r) => {
          let work: z.infer<typeof workStateSchema>;
          if (r.agent_status === 'offline' || r.phone_status === 'offline') work = 'offline';
          else if (r.call_state === 'ringing') work = 'ringing';
          else if (r.call_state === 'answered') work = 'on_call';
          else if (r.last_call_ended && r.wrap_up_seconds && new Date(r.last_call_ended).getTime() + r.wrap_up_seconds * 1000 > now) work = 'wrap_up';
          else if (r.agent_status === 'away' || r.agent_status === 'busy') work = 'break';
          else work = 'idle';
          return { id: r.id, name: r.name, phoneStatus: r.phone_status, workState: work, queues: r.queues };
        });
        return answer(c, teamSchema, { agents });
      },
    }),
    route({
      method: 'get',
      path: '/conversations/:id/call',
      tag: 'call center',
      summary: "A call conversation's record: numbers, times, wait and talk, how it ended, recording, and its timeline",
      access: { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] },
      params: idParams,
      responds: callDetailSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const call = await visibleCall(ctx.database.db, tenant.id, auth.principal, { conversationId: params.id });
        const events = await ctx.database.db.selectFrom('call_events').select(['kind', 'detail', 'at']).where('call_id', '=', call.id).orderBy('id').execute();
        return answer(c, callDetailSchema, {
          call: {
            id: call.id,
            direction: call.direction,
            from: call.from_number,
            to: call.to_number,
            state: call.state,
            agentId: call.agent_id,
            groupId: call.group_id,
            startedAt: iso(call.started_at),
            queuedAt: isoOrNull(call.queued_at),
            answeredAt: isoOrNull(call.answered_at),
            endedAt: isoOrNull(call.ended_at),
            waitSeconds: call.wait_seconds,
            talkSeconds: call.talk_seconds,
            disposition: call.disposition,
            cause: call.cause,
            hasRecording: call.recording_ref !== null,
          },
          timeline: events.map((e) => ({ kind: e.kind, detail: e.detail, at: iso(e.at) })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/calls/:id/recording',
      tag: 'call center',
      summary: "A call's recording, streamed through the server for those who may see the call",
      access: { permission: 'calls.listen' },
      params: idParams,
      responds: 'the recording’s bytes',
      handler: async ({ ctx, tenant, auth, params }) => {
        const call = await visibleCall(ctx.database.db, tenant.id, auth.principal, { callId: params.id });
        if (!call.recording_ref) throw new NotFoundError('recording');
        const loaded = await loadChannelContext(await connectorDeps(ctx), { id: call.channel_id });
        if (!loaded?.connector.voice) throw new NotFoundError('recording');
        const upstream = await loaded.connector.voice.recording(call.recording_ref, loaded.ctx);
        // The platform's own content type is not believed: it is a server the company configured.
        return fileAnswer(upstream.body ?? new Uint8Array(), { name: `recording-${call.id}`, embedders: 'same-origin', cacheControl: 'private, no-store' });
      },
    }),
    route({
      method: 'get',
      path: '/calls/:id/pop',
      tag: 'call center',
      summary:
        "The screen pop for a call: the caller's contact (or none: offer to create one), other customers with the number (to merge into), their conversations on every channel, earlier tickets, and their earlier calls",
      access: { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] },
      params: idParams,
      responds: callPopSchema,
      handler: async ({ c, ctx, tenant, auth, params }) => {
        const db = ctx.database.db;
        const call = await visibleCall(db, tenant.id, auth.principal, { callId: params.id });
        const number = call.direction === 'in' ? call.from_number : call.to_number;
        const conversation = await db
          .selectFrom('conversations')
          .select('contact_id')
          .where('channel_id', '=', call.channel_id)
          .where('thread_key', '=', call.provider_call_id)
          .executeTakeFirst();
        const contact = conversation
          ? await db
              .selectFrom('contacts')
              .select(['id', 'name', 'email', 'phone', 'attributes', 'tags'])
              .where('tenant_id', '=', tenant.id)
              .where('id', '=', conversation.contact_id)
              .executeTakeFirst()
          : await knownCaller(db, tenant.id, number);
        const history = contact
          ? await db
              .selectFrom('conversations')
              .innerJoin('channels', 'channels.id', 'conversations.channel_id')
              .select([
                'conversations.id',
                'conversations.kind',
                'conversations.status',
                'conversations.subject',
                'conversations.created_at',
                'channels.type as channel_type',
                'channels.name as channel_name',
              ])
              .where('conversations.tenant_id', '=', tenant.id)
              .where('conversations.contact_id', '=', contact.id)
              .where((eb) => visibleTo(eb, auth.principal))
              .orderBy('conversations.created_at', 'desc')
              .limit(50)
              .execute()
          : [];
        const calls = await db
          .selectFrom('calls')
          .select(['id', 'direction', 'started_at', 'disposition', 'talk_seconds', 'agent_id'])
          .where('tenant_id', '=', tenant.id)
          .where((eb) => eb.or([eb('from_number', '=', number), eb('to_number', '=', number)]))
          .where('id', '<>', call.id)
          .orderBy('started_at', 'desc')
          .limit(20)
          .execute();
        // Other customers the company has this number for: the call was not guessed onto one of
        // them (there are several), so the agent is offered them, to merge the caller into one.
        const otherIds = contact
          ? (await contactsWithVerifiedMatch(db, tenant.id, { externalId: number, phone: number, verified: ['phone'] }, 11))
              .filter((id) => id !== contact.id)
              .slice(0, 10)
          : [];
        const candidates = otherIds.length
          ? await contactsQuery(db, auth.principal).where('contacts.id', 'in', otherIds).orderBy('contacts.name').execute()
          : [];
        // Earlier tickets of the caller: of their 20 latest, those the agent may see.
        const tickets = contact && can(auth.principal, 'tickets.view') ? await visibleRecentTicketsOfContact(db, auth.principal, contact.id, 20) : [];
        return answer(c, callPopSchema, {
          number,
          contact: contact ?? null,
          tickets: tickets.map((k) => ({ id: k.id, number: k.number, subject: k.subject, status: k.status, createdAt: iso(k.createdAt) })),
          // A caller known only by the number (a made-up visitor name) is still a stranger to save.
          offerCreateContact: !contact || (isGeneratedName(contact.name) && !contact.email),
          possibleMatches: candidates.map((m) => ({ id: m.id, name: m.name, email: m.email, phone: m.phone })),
          conversations: history.map((h) => ({
            id: h.id,
            kind: h.kind,
            status: h.status,
            subject: h.subject,
            channel: { type: h.channel_type, name: h.channel_name },
            createdAt: iso(h.created_at),
          })),
          earlierCalls: calls.map((k) => ({
            id: k.id,
            direction: k.direction,
            startedAt: iso(k.started_at),
            disposition: k.disposition,
            talkSeconds: k.talk_seconds,
            agentId: k.agent_id,
          })),
        });
      },
    }),
    route({
      method: 'post',
      path: '/calls',
      tag: 'call center',
      summary: "Place an outbound call: the platform rings the agent's phone first, then the customer's number",
      access: { permission: 'calls.dial' },
      body: z.object({
        channelId: z.uuid(),
        number: z
          .string()
          .trim()
          .regex(/^\+?[0-9*#]{3,20}$/, 'a phone number'),
      }),
      example: { channelId: '00000000-0000-0000-0000-000000000000', number: '+8613800000000' },
      responds: placedSchema,
      handler: async ({ c, ctx, tenant, auth, body }) => {
        const channel = await ctx.database.db
          .selectFrom('channels')
          .select('id')
          .where('tenant_id', '=', tenant.id)
          .where('id', '=', body.channelId)
          .executeTakeFirst();
        const loaded = channel ? await loadChannelContext(await connectorDeps(ctx), { id: channel.id }) : undefined;
        if (!loaded) throw new NotFoundError('channel');
        if (!loaded.connector.voice?.dial)
          throw new ValidationError('this channel cannot place calls', [{ field: 'channelId', message: 'not a phone channel that dials' }]);
        const placed = await loaded.connector.voice.dial({ agentId: auth.principal.userId, number: body.number }, loaded.ctx);
        await audit(ctx.database.db, auth, 'call.placed', { type: 'call', id: placed.providerCallId }, { channelId: body.channelId });
        return answer(c, placedSchema, { providerCallId: placed.providerCallId }, 202);
      },
    }),
    holdRoute(connectorDeps, true),
    holdRoute(connectorDeps, false),
  ];
}

function holdRoute(connectorDeps: ConnectorDepsOf, on: boolean): AnyRoute {
  return route({
    method: on ? 'post' : 'delete',
    path: '/calls/:id/hold',
    tag: 'call center',
    summary: on
      ? 'Put the customer on hold (only the agent talking on the call); the conversation notes it'
      : 'Take the customer off hold (only the agent talking on the call); the conversation notes it',
    access: { permission: 'conversations.reply' },
    params: idParams,
    responds: holdSchema,
    handler: async ({ c, ctx, tenant, auth, params }) => {
      const call = await visibleCall(ctx.database.db, tenant.id, auth.principal, { callId: params.id });
      const loaded = await loadChannelContext(await connectorDeps(ctx), { id: call.channel_id });
      if (!loaded?.connector.voice?.hold) throw new ConflictError('this phone platform cannot hold calls');
      try {
        await loaded.connector.voice.hold({ callId: call.id, agentId: auth.principal.userId, on }, loaded.ctx);
      } catch (error) {
        // The platform said no (the call just ended, it is unreachable): say so, not "internal error".
        if (error instanceof ConnectorError) return c.json({ error: 'upstream', message: 'the phone platform did not take the change; try again' }, 502);
        throw error;
      }
      await audit(ctx.database.db, auth, on ? 'call.held' : 'call.resumed', { type: 'call', id: call.id }, {});
      return answer(c, holdSchema, { callId: call.id, onHold: on });
    },
  });
}

/** Before the call has its conversation: the one contact with the number verified (several are not guessed between). */
async function knownCaller(db: Db, tenantId: string, number: string) {
  const ids = await contactsWithVerifiedMatch(db, tenantId, { externalId: number, phone: number, verified: ['phone'] }, 2);
  if (ids.length !== 1) return undefined;
  return db
    .selectFrom('contacts')
    .select(['id', 'name', 'email', 'phone', 'attributes', 'tags'])
    .where('tenant_id', '=', tenantId)
    .where('id', '=', ids[0]!)
    .executeTakeFirst();
}
