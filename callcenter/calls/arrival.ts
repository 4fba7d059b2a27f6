import type { Transaction } from 'kysely';
import type { Call, Database } from '../../core/db/schema.js';
import { callSignal } from '../../core/domain/call-signals.js';
import { enterFlow, pressKey, type IvrStep } from '../ivr.js';
import { calendarOpen, loadFlow } from './flow.js';
import { currentInstructions, signalsSoFar } from './replay.js';
import { nothing, type CallScope, type Outcome } from './scope.js';
import { callNotStarted, lockCall, logCallEvent, now, updateCall } from './store.js';
import { SURVEY_MENU, surveyAnswered, surveyAnsweredAgain } from './survey.js';
import { CALLBACK_MENU, callbackOfferAnswered } from './waiting.js';

type Ctx = CallScope;

/** A call came in: it is filed, answered, and takes its first step (the phone menu, or the default queue). */
export async function callArrived(ctx: Ctx, input: { providerCallId: string; from: string; to: string }): Promise<Outcome> {
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
        ...callNotStarted,
        agent_id: null,
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
): Promise<Outcome> {
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

async function takeStep(trx: Transaction<Database>, ctx: Ctx, call: Call, step: IvrStep): Promise<Outcome> {
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
