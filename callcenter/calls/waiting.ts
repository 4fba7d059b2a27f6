import { sql, type Transaction } from 'kysely';
import type { CallScope, Outcome } from './scope.js';
import type { Call, Database } from '../../core/db/schema.js';
import { queuePosition } from '../../core/conversations/queue-position.js';
import { scheduleCallbackReminder } from '../callback-reminders.js';
import type { Prompt } from '../../core/domain/phone-prompts.js';
import type { Instruction } from '../../core/connector/call-center-port.js';
import type { CallCenterSettings } from '../../core/connector/call-center-settings.js';
import { callSignal } from '../../core/domain/call-signals.js';
import { lockCall, logCallEvent, updateCall } from './store.js';

type Ctx = CallScope;

/** The menu id a caller offered a callback is in: no admin's menu can have it (menu ids start with a letter or digit). */
export const CALLBACK_MENU = '@callback';

const DEFAULT_OFFER: Prompt = {
  type: 'text',
  text: 'All our agents are still busy. Press 1 and we will call you back; or stay on the line to leave a message.',
};
const DEFAULT_OFFER_ZH: Prompt = { type: 'text', text: '座席仍然繁忙。按 1 我们将给您回电；或请留言。' };
const CALLBACK_TAKEN: Prompt = { type: 'text', text: 'Thank you. We will call you back.' };
const CALLBACK_TAKEN_ZH: Prompt = { type: 'text', text: '谢谢，我们会尽快给您回电。' };

/** The first look at a new waiter: the sooner of the first announcement and the longest wait. */
export function firstWaitingCheck(config: CallCenterSettings): number | undefined {
  return nextCheck(0, config);
}

function nextCheck(waited: number, config: CallCenterSettings): number | undefined {
  const every = config.announcePositionSeconds;
  const max = config.maxWaitSeconds;
  const candidates = [every ? every - (waited % every) : Number.POSITIVE_INFINITY, max ? max - waited : Number.POSITIVE_INFINITY];
  const next = Math.min(...candidates);
  return Number.isFinite(next) ? Math.max(1, Math.ceil(next)) : undefined;
}

/**
 * A caller is still waiting: tell them their place in line when an announcement is due, and send
 * them on (voicemail, or a callback offer) once they have waited the channel's longest wait.
 * `loopSeconds` is how long since the last look (the Twilio waiting loop's period): an
 * announcement is due when a multiple of the period passed since then; without it (Asterisk's
 * timer fires exactly when due) it always is. Returns undefined for a call that no longer waits.
 */
export async function checkWaiting(ctx: Ctx, providerCallId: string, loopSeconds?: number): Promise<Outcome | undefined> {
  return ctx.db.transaction().execute(async (trx) => {
    const call = await lockCall(trx, ctx.channel.id, providerCallId);
    if (call?.state !== 'queued' || call.direction !== 'in' || !call.queued_at) return undefined;
    const waited = Math.max(0, (Date.now() - new Date(call.queued_at).getTime()) / 1000);
    const max = ctx.config.maxWaitSeconds;
    if (max && waited >= max) return leaveQueue(trx, ctx, call, waited);
    const every = ctx.config.announcePositionSeconds;
    const due = every !== undefined && (loopSeconds === undefined || Math.floor(waited / every) > Math.floor(Math.max(0, waited - loopSeconds) / every));
    const position = due ? await placeInLine(trx, call) : undefined;
    if (position !== undefined) await logCallEvent(trx, call, 'position', { position });
    const recheck = nextCheck(waited, ctx.config);
    const hold: Instruction = { op: 'hold', ...(position !== undefined ? { position } : {}), ...(recheck ? { recheckSeconds: recheck } : {}) };
    return { call, instructions: [hold], signals: [] };
  });
}

/** The caller's place in their queue, counted as the router counts it; undefined while the call is not in line. */
async function placeInLine(trx: Transaction<Database>, call: Call): Promise<number | undefined> {
  const conversation = await trx
    .selectFrom('conversations')
    .selectAll()
    .where('tenant_id', '=', call.tenant_id)
    .where('channel_id', '=', call.channel_id)
    .where('thread_key', '=', call.provider_call_id)
    .executeTakeFirst();
  if (conversation?.status !== 'queued' || !conversation.queued_at) return undefined;
  return queuePosition(trx, conversation);
}

/** The longest wait is over: the caller leaves the queue (the router stops offering the call) for voicemail or a callback offer. */
async function leaveQueue(trx: Transaction<Database>, ctx: Ctx, call: Call, waited: number): Promise<Outcome> {
  const offer = ctx.config.maxWaitAction === 'callback';
  const updated = await updateCall(
    trx,
    call,
    offer
      ? { state: 'ivr', ivr_menu: CALLBACK_MENU, ivr_retries: 0, disposition: 'abandoned_queue' }
      : { state: 'ivr', ivr_menu: null, disposition: 'voicemail' },
  );
  await logCallEvent(trx, call, 'max_wait', { waitedSeconds: Math.round(waited), next: offer ? 'callback_offer' : 'voicemail' });
  const left = callSignal(updated, 'call.left_queue', { waitedSeconds: Math.round(waited), next: offer ? 'callback_offer' : 'voicemail' }, { leave: true });
  const instructions: Instruction[] = offer
    ? [{ op: 'menu', menuId: CALLBACK_MENU, prompt: ctx.config.callbackOfferPrompt ?? localized(ctx, DEFAULT_OFFER, DEFAULT_OFFER_ZH), timeoutSeconds: 8 }]
    : [{ op: 'voicemail', maxSeconds: ctx.config.voicemailSeconds }];
  return { call: updated, instructions, signals: [left] };
}

function localized(ctx: Ctx, en: Prompt, zh: Prompt): Prompt {
  const language = ctx.config.language;
  return language?.toLowerCase().startsWith('zh') && zh.type === 'text' ? { ...zh, language } : en;
}

/**
 * The caller answered the callback offer: 1 plans a callback (回访计划) for their number, due now,
 * for the queue's agent with the fewest callbacks planned; anything else (or silence) leaves a
 * voicemail instead. Without a contact or an agent to plan it for, voicemail too.
 */
export async function callbackOfferAnswered(trx: Transaction<Database>, ctx: Ctx, call: Call, key: string | null): Promise<Outcome> {
  const planned = key === '1' ? await planCallback(trx, call) : undefined;
  if (!planned) {
    const updated = await updateCall(trx, call, { ivr_menu: null, disposition: 'voicemail' });
    await logCallEvent(trx, call, 'voicemail', { via: key === null ? 'callback offer timed out' : 'callback offer declined' });
    return { call: updated, instructions: [{ op: 'voicemail', maxSeconds: ctx.config.voicemailSeconds }], signals: [] };
  }
  const updated = await updateCall(trx, call, { ivr_menu: null, disposition: 'callback_requested' });
  await logCallEvent(trx, call, 'callback_planned', { planId: planned.id, agentId: planned.agentId });
  return { call: updated, instructions: [{ op: 'hangup', prompt: localized(ctx, CALLBACK_TAKEN, CALLBACK_TAKEN_ZH) }], signals: [] };
}

async function planCallback(trx: Transaction<Database>, call: Call): Promise<{ id: string; agentId: string } | undefined> {
  const conversation = await trx
    .selectFrom('conversations')
    .select(['contact_id', 'group_id'])
    .where('tenant_id', '=', call.tenant_id)
    .where('channel_id', '=', call.channel_id)
    .where('thread_key', '=', call.provider_call_id)
    .executeTakeFirst();
  const groupId = call.group_id ?? conversation?.group_id;
  if (!conversation || !groupId) return undefined;
  const agent = await trx
    .selectFrom('group_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .leftJoin('callback_plans as p', (join) => join.onRef('p.agent_id', '=', 'm.user_id').on('p.status', '=', 'planned'))
    .select(['m.user_id', sql<number>`count(p.id)::int`.as('planned')])
    .where('m.tenant_id', '=', call.tenant_id)
    .where('m.group_id', '=', groupId)
    .where('u.account_status', '=', 'active')
    .groupBy('m.user_id')
    .orderBy('planned')
    .orderBy('m.user_id')
    .executeTakeFirst();
  if (!agent) return undefined;
  const dueAt = new Date();
  const plan = await trx
    .insertInto('callback_plans')
    .values({
      tenant_id: call.tenant_id,
      contact_id: conversation.contact_id,
      phone: call.from_number,
      agent_id: agent.user_id,
      due_at: dueAt,
      note: 'Asked for a callback after waiting in the queue',
      result: null,
      call_id: call.id,
      created_by: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await scheduleCallbackReminder(trx, call.tenant_id, plan.id, dueAt);
  return { id: plan.id, agentId: agent.user_id };
}
