import { randomUUID } from 'node:crypto';
import { ValidationError } from '../../core/errors.js';
import { callSignal } from '../../core/domain/call-signals.js';
import { agentEndpoint } from './agents.js';
import { nothing, type CallScope, type Outcome } from './scope.js';
import { callNotStarted, lockCall, logCallEvent, now, updateCall } from './store.js';

type Ctx = CallScope;

/**
 * An outbound call from the console: the platform rings the agent's phone first, on a channel
 * that is the call's own; once they answer (`outboundAgentAnswered`) the customer is rung. The
 * conversation is the agent's from the start.
 */
export async function placeOutboundCall(ctx: Ctx, input: { agentId: string; number: string }): Promise<Outcome> {
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
        ...callNotStarted,
        agent_id: input.agentId,
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
export async function outboundAgentAnswered(ctx: Ctx, providerCallId: string): Promise<Outcome> {
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
