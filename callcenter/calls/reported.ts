import type { CallReport } from '../../core/connector/call-center-port.js';
import { callSignal, type CallSignal } from '../../core/domain/call-signals.js';
import { callEnded } from './ended.js';
import type { CallScope } from './scope.js';
import { callNotStarted, lockCall, logCallEvent, now, updateCall } from './store.js';

/**
 * A PBX that only reports (generic CTI): it routes and rings by itself and tells Switchboard a
 * call began, who answered, and that it ended. The call record and the conversation follow it;
 * the agent who answered gets the conversation.
 */
export async function reported(ctx: CallScope, report: CallReport): Promise<CallSignal[]> {
  if (report.event === 'newCall') return reportedNewCall(ctx, report);
  if (report.event === 'answer') return reportedAnswer(ctx, report);
  return (await callEnded(ctx, report.callId, report.cause)).signals;
}

async function reportedNewCall(ctx: CallScope, input: Extract<CallReport, { event: 'newCall' }>): Promise<CallSignal[]> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await trx
      .insertInto('calls')
      .values({
        tenant_id: ctx.channel.tenantId,
        channel_id: ctx.channel.id,
        provider_call_id: input.callId,
        direction: input.direction,
        from_number: input.from,
        to_number: input.to,
        state: 'queued',
        queued_at: now(),
        ivr_flow_id: null,
        ...callNotStarted,
        agent_id: null,
      })
      .onConflict((oc) => oc.columns(['channel_id', 'provider_call_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!call) {
      // Told twice (the first answer may have been lost with the broker): the same signal again; the router stores it once.
      const known = (await lockCall(trx, ctx.channel.id, input.callId))!;
      return [callSignal(known, 'call.started', { from: known.from_number, to: known.to_number, queue: input.queue ?? null }, { hold: true })];
    }
    await logCallEvent(trx, call, 'started', { from: input.from, to: input.to, ...(input.queue ? { queue: input.queue } : {}) });
    return [callSignal(call, 'call.started', { from: input.from, to: input.to, queue: input.queue ?? null }, { hold: true })];
  });
}

/** The PBX says who answered: `agentId` is the agent the connector found for the answering number or user names. */
async function reportedAnswer(ctx: CallScope, input: Extract<CallReport, { event: 'answer' }>): Promise<CallSignal[]> {
  const agentId = input.agentId;
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, input.callId);
    if (!call) return [];
    if (call.state === 'ended' || call.state === 'answered') {
      return call.answered_at ? [callSignal(call, 'call.answered', { agentId: call.agent_id }, call.agent_id ? { agentId: call.agent_id } : undefined)] : [];
    }
    const updated = await updateCall(trx, call, { state: 'answered', answered_at: now(), agent_id: agentId ?? null });
    await logCallEvent(trx, call, 'answered', { agentId: agentId ?? null, answeringNumber: input.answeringNumber ?? null });
    return [callSignal(updated, 'call.answered', { agentId: agentId ?? null }, agentId ? { agentId } : undefined)];
  });
}
