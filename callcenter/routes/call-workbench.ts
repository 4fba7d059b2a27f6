import { sql } from 'kysely';
import { z } from 'zod';
import { can } from '../../core/auth/permissions.js';
import { isOnHold } from '../calls/hold.js';
import { route, type AnyRoute } from '../../console/server/api/route.js';
import { visibleTo } from '../../console/server/conversations/visibility.js';
import { answer, phoneStatusSchema } from '../../console/server/api/answers.js';
import { at, callDirectionSchema, callStateSchema, callTaskSummarySchema, iso, isoOrNull, workStateSchema } from './shapes.js';

const VIEW_ANY = { anyOf: ['conversations.view.all', 'conversations.view.group', 'conversations.view.own'] } as const;
/** Channel types that place outbound calls (their connector has `voice.dial`). */
const DIALLING_TYPES = ['voice-asterisk', 'voice-twilio'];

/** What the phone bar shows: one's phone and work state, where it can ring, and the call in progress. */
const myPhoneSchema = z
  .object({
    phoneStatus: phoneStatusSchema,
    workState: workStateSchema,
    reachable: z.object({ ip_phone: z.boolean(), web_phone: z.boolean(), mobile: z.boolean() }).describe('which phone statuses have somewhere to ring'),
    queues: z.array(z.object({ id: z.string(), name: z.string() })),
    call: z
      .object({
        id: z.string(),
        state: callStateSchema,
        direction: callDirectionSchema,
        number: z.string().describe('the other party'),
        conversationId: z.string().nullable(),
        onHold: z.boolean(),
      })
      .nullable(),
    dialChannels: z.array(z.object({ id: z.string(), name: z.string(), type: z.string() })),
  })
  .meta({ id: 'MyPhone' });

/** A call record as the calls page lists it. */
const callRecordSchema = z
  .object({
    id: z.string(),
    direction: callDirectionSchema,
    from: z.string(),
    to: z.string(),
    number: z.string().describe('the other party: the caller of an inbound call, the number dialled of an outbound one'),
    state: callStateSchema,
    startedAt: at,
    answeredAt: at.nullable(),
    endedAt: at.nullable(),
    waitSeconds: z.number().nullable(),
    talkSeconds: z.number().nullable(),
    disposition: z.string().nullable().describe('how the call ended: answered, abandoned_queue, no_answer, …'),
    channelId: z.string(),
    hasRecording: z.boolean(),
    conversationId: z.string().nullable(),
    contact: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
    agentName: z.string().nullable(),
  })
  .meta({ id: 'CallRecord' });

const callListSchema = z.object({ calls: z.array(callRecordSchema) });
const callTaskListSchema = z.object({ tasks: z.array(callTaskSummarySchema) });

/** What an agent's phone workbench reads: their own phone and work state, and the company's call records. */
export function callWorkbenchRoutes(): AnyRoute[] {
  return [
    route({
      method: 'get',
      path: '/call-center/me',
      tag: 'call center',
      summary:
        "One's own phone status, work state (idle, ringing, on a call, after-call work, break, offline), queues, the call in progress, and the channels one can dial out on",
      access: { signedIn: true },
      responds: myPhoneSchema,
      handler: async ({ c, ctx, tenant, auth }) => {
        const db = ctx.database.db;
        const me = await db
          .selectFrom('users as u')
          .leftJoin('voice_endpoints as e', (j) => j.onRef('e.tenant_id', '=', 'u.tenant_id').onRef('e.user_id', '=', 'u.id'))
          .select(['u.agent_status', 'u.phone_status', 'e.wrap_up_seconds', 'e.sip', 'e.webrtc', 'e.mobile'])
          .where('u.tenant_id', '=', tenant.id)
          .where('u.id', '=', auth.principal.userId)
          .executeTakeFirstOrThrow();
        const queues = await db
          .selectFrom('group_members as m')
          .innerJoin('groups as g', 'g.id', 'm.group_id')
          .select(['g.id', 'g.name'])
          .where('m.tenant_id', '=', tenant.id)
          .where('m.user_id', '=', auth.principal.userId)
          .orderBy('g.name')
          .execute();
        const live = await db
          .selectFrom('calls')
          .leftJoin('conversations', (j) =>
            j.onRef('conversations.channel_id', '=', 'calls.channel_id').onRef('conversations.thread_key', '=', 'calls.provider_call_id'),
          )
          .select(['calls.id', 'calls.state', 'calls.direction', 'calls.from_number', 'calls.to_number', 'conversations.id as conversation_id'])
          .where('calls.tenant_id', '=', tenant.id)
          .where('calls.agent_id', '=', auth.principal.userId)
          .where('calls.state', 'in', ['ringing', 'answered'])
          .orderBy('calls.ringing_at', 'desc')
          .executeTakeFirst();
        const lastEnded = await db
          .selectFrom('calls')
          .select(sql<Date | null>`max(ended_at)`.as('at'))
          .where('tenant_id', '=', tenant.id)
          .where('agent_id', '=', auth.principal.userId)
          .where('answered_at', 'is not', null)
          .executeTakeFirst();
        let workState: z.infer<typeof workStateSchema>;
        if (me.agent_status === 'offline' || me.phone_status === 'offline') workState = 'offline';
        else if (live?.state === 'ringing') workState = 'ringing';
        else if (live?.state === 'answered') workState = 'on_call';
        else if (lastEnded?.at && me.wrap_up_seconds && new Date(lastEnded.at).getTime() + me.wrap_up_seconds * 1000 > Date.now()) workState = 'wrap_up';
        else if (me.agent_status === 'away' || me.agent_status === 'busy') workState = 'break';
        else workState = 'idle';
        const channels = can(auth.principal, 'calls.dial')
          ? await db
              .selectFrom('channels')
              .select(['id', 'name', 'type'])
              .where('tenant_id', '=', tenant.id)
              .where('type', 'in', DIALLING_TYPES)
              .where('enabled', '=', true)
              .orderBy('name')
              .execute()
          : [];
        return answer(c, myPhoneSchema, {
          phoneStatus: me.phone_status,
          workState,
          // Which phone statuses have somewhere to ring (the addresses themselves stay with the admins).
          reachable: { ip_phone: Boolean(me.sip), web_phone: Boolean(me.webrtc), mobile: Boolean(me.mobile) },
          queues,
          call: live
            ? {
                id: live.id,
                state: live.state,
                direction: live.direction,
                number: live.direction === 'in' ? live.from_number : live.to_number,
                conversationId: live.conversation_id,
                onHold: live.state === 'answered' && (await isOnHold(db, live.id)),
              }
            : null,
          dialChannels: channels,
        });
      },
    }),
    route({
      method: 'get',
      path: '/calls',
      tag: 'call center',
      summary: 'Call records the caller may see, newest first; `q` matches a number, `disposition` narrows to how calls ended',
      access: VIEW_ANY,
      query: z.object({
        q: z.string().trim().min(1).max(64).optional(),
        disposition: z
          .string()
          .regex(/^[a-z_]{1,40}$/)
          .optional(),
        before: z.iso.datetime().optional(),
        limit: z.coerce.number().int().min(1).max(200).default(50),
      }),
      responds: callListSchema,
      handler: async ({ c, ctx, tenant, auth, query }) => {
        let q = ctx.database.db
          .selectFrom('calls')
          .leftJoin('conversations', (j) =>
            j.onRef('conversations.channel_id', '=', 'calls.channel_id').onRef('conversations.thread_key', '=', 'calls.provider_call_id'),
          )
          .leftJoin('contacts', 'contacts.id', 'conversations.contact_id')
          .leftJoin('users', 'users.id', 'calls.agent_id')
          .select([
            'calls.id',
            'calls.direction',
            'calls.from_number',
            'calls.to_number',
            'calls.state',
            'calls.started_at',
            'calls.answered_at',
            'calls.ended_at',
            'calls.wait_seconds',
            'calls.talk_seconds',
            'calls.disposition',
            'calls.channel_id',
            sql<boolean>`calls.recording_ref is not null`.as('has_recording'),
            'conversations.id as conversation_id',
            'contacts.id as contact_id',
            'contacts.name as contact_name',
            'users.name as agent_name',
          ])
          .where('calls.tenant_id', '=', tenant.id);
        const seeAll = can(auth.principal, 'conversations.view.all');
        q = q.where((eb) => (seeAll ? eb.lit(true) : eb.and([eb('conversations.id', 'is not', null), visibleTo(eb as never, auth.principal)])));
        if (query.q) {
          const like = `%${query.q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
          q = q.where((eb) => eb.or([eb('calls.from_number', 'like', like), eb('calls.to_number', 'like', like), eb('contacts.name', 'ilike', like)]));
        }
        if (query.disposition) q = q.where('calls.disposition', '=', query.disposition);
        if (query.before) q = q.where('calls.started_at', '<', new Date(query.before));
        const rows = await q.orderBy('calls.started_at', 'desc').limit(query.limit).execute();
        return answer(c, callListSchema, {
          calls: rows.map((r) => ({
            id: r.id,
            direction: r.direction,
            from: r.from_number,
            to: r.to_number,
            number: r.direction === 'in' ? r.from_number : r.to_number,
            state: r.state,
            startedAt: iso(r.started_at),
            answeredAt: isoOrNull(r.answered_at),
            endedAt: isoOrNull(r.ended_at),
            waitSeconds: r.wait_seconds,
            talkSeconds: r.talk_seconds,
            disposition: r.disposition,
            channelId: r.channel_id,
            hasRecording: Boolean(r.has_recording),
            conversationId: r.conversation_id,
            contact: r.contact_id ? { id: r.contact_id, name: r.contact_name } : null,
            agentName: r.agent_name,
          })),
        });
      },
    }),
    route({
      method: 'get',
      path: '/call-tasks',
      tag: 'call center',
      summary: 'Outbound call tasks, newest first: all of them with admin.voice, else those one works on',
      access: { anyOf: ['admin.voice', 'calls.dial'] },
      responds: callTaskListSchema,
      handler: async ({ c, ctx, tenant, auth }) => {
        let q = ctx.database.db.selectFrom('call_tasks').select(['id', 'name', 'starts_at', 'ends_at']).where('tenant_id', '=', tenant.id);
        if (!can(auth.principal, 'admin.voice')) {
          q = q.where('id', 'in', (eb) =>
            eb.selectFrom('call_task_agents').select('task_id').where('tenant_id', '=', tenant.id).where('user_id', '=', auth.principal.userId),
          );
        }
        const rows = await q.orderBy('created_at', 'desc').limit(200).execute();
        return answer(c, callTaskListSchema, { tasks: rows.map((r) => ({ id: r.id, name: r.name, startsAt: iso(r.starts_at), endsAt: iso(r.ends_at) })) });
      },
    }),
  ];
}
