import type { Transaction } from 'kysely';
import type { Instruction } from '../../core/connector/call-center-port.js';
import type { Call, Database } from '../../core/db/schema.js';
import { callSignal, type CallSignal } from '../../core/domain/call-signals.js';
import { agentEndpoint } from './agents.js';
import { loadFlow } from './flow.js';
import { isOnHold } from './hold.js';
import type { CallScope, Outcome } from './scope.js';
import { lockCall } from './store.js';
import { SURVEY_MENU, surveyMenu } from './survey.js';
import { CALLBACK_MENU } from './waiting.js';

type Ctx = CallScope;

/** What a call in its present state needs from the platform (a webhook asked again). */
export async function currentInstructions(trx: Transaction<Database>, ctx: Ctx, call: Call): Promise<Instruction[]> {
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

/** The state a webhook should render now (the Twilio adapter's waiting loop asks this). */
export async function whatNow(ctx: Ctx, providerCallId: string): Promise<Outcome> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    if (!call) return { call, instructions: [{ op: 'hangup' }], signals: [] };
    return { call, instructions: await currentInstructions(trx, ctx, call), signals: [] };
  });
}

/**
 * The signals a call has raised so far, rebuilt from its record. Their ids are fixed per call and
 * kind, so sending them again (a provider's retry after a lost answer) stores nothing twice.
 */
export function signalsSoFar(call: Call): CallSignal[] {
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
