import type { Instruction } from '../../core/connector/call-center-port.js';
import { callSignal } from '../../core/domain/call-signals.js';
import { event } from '../../core/domain/events.js';
import { recordEvents } from '../../core/outbox/outbox.js';
import { signalsSoFar } from './replay.js';
import { nothing, type CallScope, type Outcome } from './scope.js';
import { lockCall, logCallEvent, secondsBetween, updateCall } from './store.js';

type Ctx = CallScope;

/** The caller's side ended: the record is closed with its times and how it ended, and the router frees the agent. */
export async function callEnded(ctx: Ctx, providerCallId: string, cause: string): Promise<Outcome> {
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
