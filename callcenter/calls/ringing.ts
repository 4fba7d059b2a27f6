import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Instruction } from '../../core/connector/call-center-port.js';
import type { Call, Database } from '../../core/db/schema.js';
import { callSignal, type CallSignal } from '../../core/domain/call-signals.js';
import { event } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';
import { recordEvents } from '../../core/outbox/outbox.js';
import { agentEndpoint } from './agents.js';
import { isOnHold } from './hold.js';
import { nothing, type CallScope, type Outcome } from './scope.js';
import { lockCall, lockCallByLeg, logCallEvent, now, updateCall } from './store.js';
import { offerSurvey } from './survey.js';

type Ctx = CallScope;

/**
 * The router's decision reached the call: ring the agent it is assigned to, or put the caller back
 * on hold when it waits again. Called for every assignment event; reading the conversation's
 * state now (not the event's) makes late or repeated events harmless. An agent's leg still
 * ringing or talking is dropped before another rings: never two agents for one call.
 */
export async function followAssignment(ctx: Ctx, conversationId: string): Promise<Outcome> {
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
export async function agentAnswered(ctx: Ctx, legId: string): Promise<Outcome> {
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
export async function agentLegEnded(ctx: Ctx, legId: string, cause: string): Promise<Outcome> {
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
