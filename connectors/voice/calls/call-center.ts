import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { isOpen } from '../../../core/calendar/business-hours.js';
import type { CallCenterContext } from '../../../core/connector/define.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../core/errors.js';
import type { Call, Database } from '../../../core/db/schema.js';
import { isOnHold } from '../../../core/voice/hold.js';
import { enterFlow, parseFlow, pressKey, type Flow, type IvrStep } from '../../../core/voice/ivr.js';
import { event } from '../../../core/domain/events.js';
import { conversationSnapshot } from '../../../core/domain/views.js';
import { recordEvents } from '../../../core/outbox/outbox.js';
import { agentEndpoint } from './agents.js';
import type { Instruction } from './instructions.js';
import type { CallCenterSettings } from './settings.js';
import { callSignal, type CallSignal } from './signals.js';
import { offerSurvey, SURVEY_MENU, surveyAnswered, surveyAnsweredAgain, surveyMenu } from './survey.js';
import { CALLBACK_MENU, callbackOfferAnswered } from './waiting.js';
import { lockCall, lockCallByLeg, logCallEvent, now, secondsBetween, updateCall } from './store.js';

/** What the call center decided about one happening on a call: what to do, and what to tell the router. */
export interface Reaction {
  call: Call | undefined;
  instructions: Instruction[];
  signals: CallSignal[];
}

type Ctx = CallCenterContext<CallCenterSettings>;
const nothing = (call?: Call): Reaction => ({ call, instructions: [], signals: [] });

/**
 * The call center's logic, the same for every platform: a call arrives, the caller walks the
 * phone menu, waits in a queue, an agent's phone rings, they talk, the call ends. Each step locks
 * the call's row, so two webhooks or events about one call never interleave, and a replayed
 * provider event finds the step already taken.
 */
export async function callArrived(ctx: Ctx, input: { providerCallId: string; from: string; to: string }): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('calls')
      .values({
        tenant_id: ctx.channel.tenantId,
        channel_id: ctx.channel.id,
        provider_call_id: input.providerCallId,
        direction: 'in',
        from_number: input.from,
        to_number: input.to,
        ivr_flow_id: ctx.config.ivrFlowId ?? null,
        ivr_menu: null,
        group_id: null,
        agent_id: null,
        agent_leg_id: null,
        bridge_id: null,
        wait_seconds: null,
        talk_seconds: null,
        recording_ref: null,
        disposition: null,
        cause: null,
      })
      .onConflict((oc) => oc.columns(['channel_id', 'provider_call_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      // The platform told us twice: say again what the call is doing now.
      const call = (await lockCall(trx, ctx.channel.id, input.providerCallId))!;
      return { call, instructions: await currentInstructions(trx, ctx, call), signals: signalsSoFar(call) };
    }
    await logCallEvent(trx, inserted, 'started', { from: input.from, to: input.to });
    const started = callSignal(inserted, 'call.started', { from: input.from, to: input.to }, { hold: true });
    const flow = await loadFlow(trx, ctx);
    const step: IvrStep = flow
      ? enterFlow(flow, await calendarOpen(trx, ctx.channel.tenantId, flow))
      : ctx.config.defaultGroupId
        ? { kind: 'exit', target: { type: 'queue', groupId: ctx.config.defaultGroupId }, via: 'no menu' }
        : { kind: 'exit', target: { type: 'hangup' }, via: 'no menu and no queue' };
    const reaction = await takeStep(trx, ctx, inserted, step);
    return { ...reaction, instructions: [{ op: 'answer' }, ...reaction.instructions], signals: [started, ...reaction.signals] };
  });
}

/** The caller pressed a key in a menu, or (`key` null) let its time run out; `menuId` is the menu the key answers. */
export async function keyPressed(
  ctx: Ctx,
  providerCallId: string,
  key: string | null,
  options: { menuId?: string | undefined; webhook?: boolean } = {},
): Promise<Reaction> {
  const { menuId } = options;
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    // A key for a menu the caller already left (a late timer, a replayed webhook) changes nothing.
    // A key for a menu the caller already left changes nothing. A webhook's retry (it names the
    // menu) is answered again, with what was said then: the first answer may not have reached the bus.
    if (call && call.state !== 'ivr' && options.webhook) return { call, instructions: await currentInstructions(trx, ctx, call), signals: signalsSoFar(call) };
    if (call && options.webhook && menuId === SURVEY_MENU && call.ivr_menu !== SURVEY_MENU) return surveyAnsweredAgain(trx, ctx, call);
    if (call?.state !== 'ivr' || !call.ivr_menu || (menuId && menuId !== call.ivr_menu)) return nothing(call);
    if (call.ivr_menu === CALLBACK_MENU) {
      await logCallEvent(trx, call, key === null ? 'no_key' : 'key', { menu: CALLBACK_MENU, ...(key === null ? {} : { key }) });
      return callbackOfferAnswered(trx, ctx, call, key);
    }
    if (call.ivr_menu === SURVEY_MENU) return surveyAnswered(trx, ctx, call, key);
    const flow = await loadFlow(trx, ctx);
    if (!flow) return nothing(call);
    await logCallEvent(trx, call, key === null ? 'no_key' : 'key', { menu: call.ivr_menu, ...(key === null ? {} : { key }) });
    return takeStep(trx, ctx, call, pressKey(flow, { menuId: call.ivr_menu, retries: call.ivr_retries }, key));
  });
}

async function takeStep(trx: Transaction<Database>, ctx: Ctx, call: Call, step: IvrStep): Promise<Reaction> {
  if (step.kind === 'menu') {
    const updated = await updateCall(trx, call, { ivr_menu: step.menu.id, ivr_retries: step.position.retries });
    if (step.position.retries === 0) await logCallEvent(trx, call, 'menu', { menu: step.menu.id });
    return {
      call: updated,
      instructions: [
        {
          op: 'menu',
          menuId: step.menu.id,
          prompt: step.menu.prompt,
          ...(step.notice ? { notice: step.notice } : {}),
          timeoutSeconds: step.menu.timeoutSeconds,
        },
      ],
      signals: [],
    };
  }
  const target = step.target;
  switch (target.type) {
    case 'queue':
    case 'agent': {
      const groupId = target.type === 'queue' ? target.groupId : (ctx.config.defaultGroupId ?? null);
      const updated = await updateCall(trx, call, { state: 'queued', ivr_menu: null, group_id: groupId, queued_at: now() });
      await logCallEvent(trx, call, 'queued', {
        via: step.via,
        ...(groupId ? { groupId } : {}),
        ...(target.type === 'agent' ? { agentId: target.agentId } : {}),
      });
      const routing = {
        ...(groupId ? { groupId } : {}),
        ...(target.type === 'agent' ? { agentId: target.agentId } : {}),
        ...(target.type === 'queue' && target.priority !== undefined ? { priority: target.priority } : {}),
      };
      return { call: updated, instructions: [{ op: 'hold' }], signals: [callSignal(updated, 'call.queued', { via: step.via, ...routing }, routing)] };
    }
    case 'voicemail': {
      const updated = await updateCall(trx, call, { ivr_menu: null, disposition: 'voicemail' });
      await logCallEvent(trx, call, 'voicemail', { via: step.via });
      return {
        call: updated,
        instructions: [{ op: 'voicemail', ...(target.prompt ? { prompt: target.prompt } : {}), maxSeconds: ctx.config.voicemailSeconds }],
        signals: [],
      };
    }
    case 'hangup': {
      const updated = await updateCall(trx, call, { ivr_menu: null, disposition: call.disposition ?? 'ivr_hangup' });
      await logCallEvent(trx, call, 'menu_hangup', { via: step.via });
      return { call: updated, instructions: [{ op: 'hangup', ...(target.prompt ? { prompt: target.prompt } : {}) }], signals: [] };
    }
  }
}

/**
 * The router's decision reached the call: ring the agent it is assigned to, or put the caller back
 * on hold when it waits again. Called for every assignment event; reading the conversation's
 * state now (not the event's) makes late or repeated events harmless. An agent's leg still
 * ringing or talking is dropped before another rings: never two agents for one call.
 */
export async function followAssignment(ctx: Ctx, conversationId: string): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const conversation = await trx
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', ctx.channel.tenantId)
      .where('channel_id', '=', ctx.channel.id)
      .where('id', '=', conversationId)
      .executeTakeFirst();
    if (conversation?.kind !== 'voice') return nothing();
    const call = await lockCall(trx, ctx.channel.id, conversation.thread_key);
    // Outbound calls belong to the agent who placed them; the router's view of them changes no phone.
    if (!call || call.state === 'ended' || call.state === 'ivr' || call.direction === 'out') return nothing(call);
    const wanted = conversation.status === 'assigned' ? conversation.assignee_id : null;
    if (wanted && wanted === call.agent_id && (call.state === 'ringing' || call.state === 'answered')) return nothing(call);
    if (!wanted && call.state === 'queued') return nothing(call);
    if (conversation.status === 'resolved') return nothing(call);

    const instructions: Instruction[] = [];
    const signals: CallSignal[] = [];
    // The agent whose phone rings did not pick up in time (or the call was moved while ringing):
    // the history says so on every platform, not only where the platform reports the ring-out.
    if (call.state === 'ringing' && call.agent_id) await logCallEvent(trx, call, 'not_answered', { agentId: call.agent_id, cause: 'moved on' });
    if (call.agent_leg_id) instructions.push({ op: 'drop-leg', legId: call.agent_leg_id });
    if (call.state === 'answered' && (await isOnHold(trx, call.id))) {
      // Moved on while on hold: the next agent gets the caller off hold.
      await logCallEvent(trx, call, 'resumed', { via: 'transfer' });
      const count = await trx
        .selectFrom('call_events')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('call_id', '=', call.id)
        .where('kind', '=', 'resumed')
        .executeTakeFirstOrThrow();
      signals.push(callSignal(call, 'call.resumed', { via: 'transfer' }, undefined, String(count.n)));
      instructions.push({ op: 'unhold' });
    }
    if (call.state === 'answered') {
      const transfers = await trx.selectFrom('call_events').select('id').where('call_id', '=', call.id).where('kind', '=', 'transferred').execute();
      await logCallEvent(trx, call, 'transferred', { from: call.agent_id, to: wanted });
      signals.push(callSignal(call, 'call.transferred', { from: call.agent_id, to: wanted }, undefined, String(transfers.length + 1)));
    }
    const phone = wanted ? await agentEndpoint(trx, ctx.channel.tenantId, wanted) : undefined;
    if (wanted && phone) {
      const legId = randomUUID();
      const updated = await updateCall(trx, call, { state: 'ringing', agent_id: wanted, agent_leg_id: legId, ringing_at: now() });
      await logCallEvent(trx, call, 'ringing', { agentId: wanted, phone: phone.status });
      // The screen pop: the agent's console hears of the ring in the same commit.
      await recordEvents(trx, [
        event(ctx.channel.tenantId, 'call.ringing', {
          conversation: conversationSnapshot(conversation),
          callId: call.id,
          agentId: wanted,
          from: call.from_number,
          to: call.to_number,
          direction: call.direction,
        }),
      ]);
      instructions.push({ op: 'ring', agentId: wanted, phone, legId, timeoutSeconds: ctx.config.ringSeconds, callerNumber: call.from_number });
      return { call: updated, instructions, signals };
    }
    // Nobody to ring (yet): the caller waits; the router's no-answer timer moves an unreachable agent's call on.
    if (wanted) await logCallEvent(trx, call, 'unreachable', { agentId: wanted });
    const updated = await updateCall(trx, call, { state: 'queued', agent_leg_id: null });
    if (!wanted) await logCallEvent(trx, call, 'requeued', {});
    instructions.push({ op: 'hold' });
    return { call: updated, instructions, signals };
  });
}

/** The agent's leg was answered: connect them with the caller. A leg that is no longer wanted is dropped. */
export async function agentAnswered(ctx: Ctx, legId: string): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCallByLeg(trx, ctx.channel.id, legId);
    // The same answer again (a provider's retry): the agent is talking on this leg; keep it.
    if (call?.state === 'answered') return nothing(call);
    if (call?.state !== 'ringing') return { call, instructions: [{ op: 'drop-leg', legId }], signals: [] };
    if (call.direction === 'in' && !(await stillAssigned(trx, call))) {
      // Picked up too late: the router gave the call to someone else (or back to the queue) a
      // moment ago, and its ring is on the way. The caller stays where the router put them.
      return { call, instructions: [{ op: 'drop-leg', legId }], signals: [] };
    }
    const updated = await updateCall(trx, call, { state: 'answered', answered_at: call.answered_at ?? now() });
    await logCallEvent(trx, call, 'answered', { agentId: call.agent_id });
    const first = !call.answered_at;
    return {
      call: updated,
      instructions: [{ op: 'connect', legId, record: ctx.config.recordCalls && first }],
      signals: first ? [callSignal(updated, 'call.answered', { agentId: call.agent_id })] : [],
    };
  });
}

/** Whether the call's conversation is still assigned to the agent whose phone rings. */
async function stillAssigned(trx: Transaction<Database>, call: Call): Promise<boolean> {
  const conversation = await trx
    .selectFrom('conversations')
    .select(['status', 'assignee_id'])
    .where('tenant_id', '=', call.tenant_id)
    .where('channel_id', '=', call.channel_id)
    .where('thread_key', '=', call.provider_call_id)
    .executeTakeFirst();
  return !conversation || (conversation.status === 'assigned' && conversation.assignee_id === call.agent_id);
}

/** The agent's leg ended: unanswered (busy, declined, rang out) the caller waits on; after talking the call is over. */
export async function agentLegEnded(ctx: Ctx, legId: string, cause: string): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCallByLeg(trx, ctx.channel.id, legId);
    if (!call || call.state === 'ended') return nothing(call);
    if (call.state === 'ringing' && call.direction === 'out') {
      // The customer did not pick up: the agent's side is hung up and the attempt filed.
      const updated = await updateCall(trx, call, { agent_leg_id: null, disposition: /busy/i.test(cause) ? 'busy' : 'no_answer' });
      await logCallEvent(trx, call, 'not_answered', { number: call.to_number, cause });
      return { call: updated, instructions: [{ op: 'hangup' }], signals: [] };
    }
    if (call.state === 'ringing') {
      const updated = await updateCall(trx, call, { state: 'queued', agent_leg_id: null });
      await logCallEvent(trx, call, 'not_answered', { agentId: call.agent_id, cause });
      return { call: updated, instructions: [{ op: 'hold' }], signals: [] };
    }
    // On an outbound call the second leg is the customer's.
    await logCallEvent(trx, call, call.direction === 'out' ? 'customer_hung_up' : 'agent_hung_up', { agentId: call.agent_id, cause });
    const survey = await offerSurvey(trx, ctx, call);
    if (survey) return survey;
    const updated = await updateCall(trx, call, { agent_leg_id: null });
    return { call: updated, instructions: [{ op: 'hangup' }], signals: [] };
  });
}

/** The caller's side ended: the record is closed with its times and how it ended, and the router frees the agent. */
export async function callEnded(ctx: Ctx, providerCallId: string, cause: string): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    if (call?.state === 'ended') return { call, instructions: [], signals: signalsSoFar(call) };
    if (!call) return nothing(call);
    const endedAt = new Date();
    const disposition =
      call.answered_at !== null
        ? 'answered'
        : (call.disposition ??
          ({ ivr: 'abandoned_ivr', queued: 'abandoned_queue', ringing: 'abandoned_ringing', answered: 'answered' } as const)[call.state] ??
          'ended');
    const updated = await updateCall(trx, call, {
      state: 'ended',
      ended_at: endedAt,
      ivr_menu: null,
      agent_leg_id: null,
      disposition,
      cause,
      wait_seconds: secondsBetween(call.queued_at, call.answered_at ?? endedAt),
      talk_seconds: call.answered_at ? secondsBetween(call.answered_at, endedAt) : null,
    });
    await logCallEvent(trx, call, 'ended', { cause, disposition });
    await recordEvents(trx, [event(ctx.channel.tenantId, 'call.ended', { callId: call.id, channelId: call.channel_id, disposition })]);
    const instructions: Instruction[] = call.agent_leg_id ? [{ op: 'drop-leg', legId: call.agent_leg_id }] : [];
    return {
      call: updated,
      instructions,
      signals: [callSignal(updated, 'call.ended', { cause, disposition, talkSeconds: updated.talk_seconds, waitSeconds: updated.wait_seconds }, { end: true })],
    };
  });
}

/** A recording (of the talk, or a voicemail) is ready on the platform. */
export async function recordingReady(ctx: Ctx, providerCallId: string, reference: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    if (!call || call.recording_ref === reference) return;
    await updateCall(trx, call, { recording_ref: reference });
    await logCallEvent(trx, call, 'recording', {});
  });
}

/**
 * A recording the platform made of a call is finished (Asterisk's RecordingFinished): the step
 * enters the call's history once, as Twilio's recording callback does.
 */
export async function recordingFinished(ctx: Ctx, reference: string): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('calls')
      .select('provider_call_id')
      .where('channel_id', '=', ctx.channel.id)
      .where('recording_ref', '=', reference)
      .executeTakeFirst();
    const call = found ? await lockCall(trx, ctx.channel.id, found.provider_call_id) : undefined;
    if (!call || call.recording_ref !== reference) return;
    const logged = await trx.selectFrom('call_events').select('id').where('call_id', '=', call.id).where('kind', '=', 'recording').executeTakeFirst();
    if (!logged) await logCallEvent(trx, call, 'recording', {});
  });
}

/** What a call in its present state needs from the platform (a webhook asked again). */
async function currentInstructions(trx: Transaction<Database>, ctx: Ctx, call: Call): Promise<Instruction[]> {
  if (call.state === 'ivr' && call.ivr_menu === CALLBACK_MENU) {
    return [
      { op: 'menu', menuId: CALLBACK_MENU, prompt: ctx.config.callbackOfferPrompt ?? { type: 'text', text: 'Press 1 for a callback.' }, timeoutSeconds: 8 },
    ];
  }
  if (call.state === 'ivr' && call.ivr_menu === SURVEY_MENU) return [surveyMenu(ctx)];
  if (call.state === 'ivr' && call.ivr_menu) {
    const menu = (await loadFlow(trx, ctx))?.menus.find((m) => m.id === call.ivr_menu);
    if (menu) return [{ op: 'menu', menuId: menu.id, prompt: menu.prompt, timeoutSeconds: menu.timeoutSeconds }];
  }
  if (call.state === 'queued') return [{ op: 'hold' }];
  // A caller the agent put on hold hears the waiting music until the agent takes them back.
  if (call.state === 'answered' && call.direction === 'in' && (await isOnHold(trx, call.id))) return [{ op: 'hold' }];
  if (call.state === 'ringing' && call.agent_id && call.agent_leg_id) {
    const phone = await agentEndpoint(trx, ctx.channel.tenantId, call.agent_id);
    if (phone)
      return [{ op: 'ring', agentId: call.agent_id, phone, legId: call.agent_leg_id, timeoutSeconds: ctx.config.ringSeconds, callerNumber: call.from_number }];
    return [{ op: 'hold' }];
  }
  if (call.state === 'ended') return [{ op: 'hangup' }];
  return [];
}

export async function callOf(ctx: Ctx, providerCallId: string): Promise<Call | undefined> {
  return ctx.db.selectFrom('calls').selectAll().where('channel_id', '=', ctx.channel.id).where('provider_call_id', '=', providerCallId).executeTakeFirst();
}

/** The state a webhook should render now (the Twilio adapter's waiting loop asks this). */
export async function whatNow(ctx: Ctx, providerCallId: string): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    if (!call) return { call, instructions: [{ op: 'hangup' }], signals: [] };
    return { call, instructions: await currentInstructions(trx, ctx, call), signals: [] };
  });
}

async function loadFlow(trx: Transaction<Database>, ctx: Ctx): Promise<Flow | undefined> {
  if (!ctx.config.ivrFlowId) return undefined;
  const row = await trx
    .selectFrom('ivr_flows')
    .select('definition')
    .where('tenant_id', '=', ctx.channel.tenantId)
    .where('id', '=', ctx.config.ivrFlowId)
    .executeTakeFirst();
  if (!row) return undefined;
  try {
    return parseFlow(row.definition);
  } catch (error) {
    ctx.logger.warn({ channelId: ctx.channel.id, err: String(error) }, 'phone menu does not validate; callers go to the default queue');
    return undefined;
  }
}

async function calendarOpen(trx: Transaction<Database>, tenantId: string, flow: Flow): Promise<boolean | undefined> {
  if (!flow.businessHours) return undefined;
  const calendar = await trx
    .selectFrom('business_calendars')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', flow.businessHours.calendarId)
    .executeTakeFirst();
  if (!calendar) return undefined;
  const holidays = await trx.selectFrom('calendar_holidays').select('day').where('tenant_id', '=', tenantId).where('calendar_id', '=', calendar.id).execute();
  return isOpen(
    {
      id: calendar.id,
      timeZone: calendar.time_zone,
      weeklyHours: calendar.weekly_hours,
      holidays: new Set(holidays.map((h) => (typeof h.day === 'string' ? h.day : new Date(h.day).toISOString().slice(0, 10)))),
    },
    new Date(),
  );
}

/**
 * An outbound call from the console: the platform rings the agent's phone first, on a channel
 * that is the call's own; once they answer (`outboundAgentAnswered`) the customer is rung. The
 * conversation is the agent's from the start.
 */
export async function placeOutboundCall(ctx: Ctx, input: { agentId: string; number: string }): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const phone = await agentEndpoint(trx, ctx.channel.tenantId, input.agentId);
    if (!phone) throw new ValidationError("the agent's phone is offline or has no address for its status", [{ field: 'agentId', message: 'no phone to ring' }]);
    const call = await trx
      .insertInto('calls')
      .values({
        tenant_id: ctx.channel.tenantId,
        channel_id: ctx.channel.id,
        provider_call_id: randomUUID(),
        direction: 'out',
        from_number: phone.address,
        to_number: input.number,
        state: 'ringing',
        ringing_at: now(),
        ivr_flow_id: null,
        ivr_menu: null,
        group_id: null,
        agent_id: input.agentId,
        agent_leg_id: null,
        bridge_id: null,
        wait_seconds: null,
        talk_seconds: null,
        recording_ref: null,
        disposition: null,
        cause: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await logCallEvent(trx, call, 'dialing_agent', { agentId: input.agentId, phone: phone.status });
    return {
      call,
      instructions: [{ op: 'call-agent', phone, channelId: call.provider_call_id, timeoutSeconds: ctx.config.ringSeconds }],
      signals: [callSignal(call, 'call.started', { from: phone.address, to: input.number, agentId: input.agentId }, { agentId: input.agentId, direct: true })],
    };
  });
}

/** The agent picked up their side of an outbound call: now the customer's number rings. */
export async function outboundAgentAnswered(ctx: Ctx, providerCallId: string): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    if (!call || call.state === 'ended' || call.agent_leg_id) return nothing(call);
    const legId = randomUUID();
    const updated = await updateCall(trx, call, { agent_leg_id: legId });
    await logCallEvent(trx, call, 'dialing_customer', { number: call.to_number });
    return {
      call: updated,
      instructions: [
        {
          op: 'ring',
          agentId: call.agent_id ?? '',
          phone: { status: 'mobile', address: call.to_number },
          legId,
          timeoutSeconds: ctx.config.ringSeconds,
          callerNumber: ctx.config.outboundCallerId ?? '',
        },
      ],
      signals: [],
    };
  });
}

/**
 * The signals a call has raised so far, rebuilt from its record. Their ids are fixed per call and
 * kind, so sending them again (a provider's retry after a lost answer) stores nothing twice.
 */
function signalsSoFar(call: Call): CallSignal[] {
  const signals = [
    callSignal(
      call,
      'call.started',
      { from: call.from_number, to: call.to_number },
      call.direction === 'in' ? { hold: true } : call.agent_id ? { agentId: call.agent_id, direct: true } : undefined,
    ),
  ];
  if (call.queued_at && call.direction === 'in' && call.group_id)
    signals.push(callSignal(call, 'call.queued', { groupId: call.group_id }, { groupId: call.group_id }));
  if (call.state === 'ended') {
    signals.push(
      callSignal(
        call,
        'call.ended',
        { cause: call.cause, disposition: call.disposition, talkSeconds: call.talk_seconds, waitSeconds: call.wait_seconds },
        { end: true },
      ),
    );
  }
  return signals;
}

/**
 * The agent on a call puts the customer on hold (`on`) or takes them off it. Only the agent who
 * is talking on the call may; the platform is asked while the call's row is locked, so the record
 * says "held" only once the platform did it, and two clicks never interleave. `perform` gets the
 * customer's side: the caller's channel on an inbound call, the dialled leg on an outbound one.
 */
export async function changeHold(
  ctx: Ctx,
  input: { callId: string; agentId: string; on: boolean },
  /** Asks the platform; may return changes to the call's record the platform's way of holding brings (a leg it dropped). */
  perform: (call: Call, customerSide: string) => Promise<Record<string, unknown> | void>,
): Promise<Reaction> {
  return ctx.db.transaction().execute(async (trx) => {
    const found = await trx
      .selectFrom('calls')
      .select('provider_call_id')
      .where('channel_id', '=', ctx.channel.id)
      .where('id', '=', input.callId)
      .executeTakeFirst();
    const call = found ? await lockCall(trx, ctx.channel.id, found.provider_call_id) : undefined;
    if (!call) throw new NotFoundError('call');
    if (call.state !== 'answered') throw new ConflictError('the call is not in progress');
    if (call.agent_id !== input.agentId) throw new ForbiddenError('only the agent on the call can put it on hold');
    const customerSide = call.direction === 'in' ? call.provider_call_id : call.agent_leg_id;
    if (!customerSide) throw new ConflictError('the call is not in progress');
    const held = await isOnHold(trx, call.id);
    if (held === input.on) throw new ConflictError(input.on ? 'the call is on hold already' : 'the call is not on hold');
    const changes = await perform(call, customerSide);
    const changed = changes ? await updateCall(trx, call, changes) : call;
    const kind = input.on ? 'held' : 'resumed';
    await logCallEvent(trx, call, kind, { agentId: input.agentId });
    const count = await trx
      .selectFrom('call_events')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('call_id', '=', call.id)
      .where('kind', '=', kind)
      .executeTakeFirstOrThrow();
    return {
      call: changed,
      instructions: [],
      signals: [callSignal(call, input.on ? 'call.held' : 'call.resumed', { agentId: input.agentId }, undefined, String(count.n))],
    };
  });
}
