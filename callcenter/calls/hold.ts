import type { Kysely, Transaction } from 'kysely';
import { ConflictError, ForbiddenError, NotFoundError } from '../../core/errors.js';
import type { Call, Database } from '../../core/db/schema.js';
import { callSignal } from '../../core/domain/call-signals.js';
import type { CallScope, Outcome } from './scope.js';
import { lockCall, logCallEvent, updateCall } from './store.js';

/** Whether the customer on a call is on hold now: the last hold step of the call's timeline ("held" or "resumed") says. */
export async function isOnHold(db: Kysely<Database> | Transaction<Database>, callId: string): Promise<boolean> {
  const last = await db
    .selectFrom('call_events')
    .select('kind')
    .where('call_id', '=', callId)
    .where('kind', 'in', ['held', 'resumed'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return last?.kind === 'held';
}

/**
 * The agent on a call puts the customer on hold (`on`) or takes them off it. Only the agent who
 * is talking on the call may; the platform is asked while the call's row is locked, so the record
 * says "held" only once the platform did it, and two clicks never interleave. `perform` gets the
 * customer's side: the caller's channel on an inbound call, the dialled leg on an outbound one.
 */
export async function changeHold(
  ctx: CallScope,
  input: { callId: string; agentId: string; on: boolean },
  /** Asks the platform; may return changes to the call's record the platform's way of holding brings (a leg it dropped). */
  perform: (call: Call, customerSide: string) => Promise<Record<string, unknown> | undefined>,
): Promise<Outcome> {
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
