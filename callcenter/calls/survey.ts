import { sql, type Transaction } from 'kysely';
import type { CallScope, Outcome } from './scope.js';
import type { Call, Database } from '../../core/db/schema.js';
import type { Prompt } from '../../core/domain/phone-prompts.js';
import type { Instruction } from '../../core/connector/call-center-port.js';
import { callSignal } from '../../core/domain/call-signals.js';
import { logCallEvent, updateCall } from './store.js';

type Ctx = CallScope;

/** The menu id of the keypad survey after a call: no admin's menu can have it (menu ids start with a letter or digit). */
export const SURVEY_MENU = '@survey';
const SURVEY_SECONDS = 8;

const ASK: Prompt = { type: 'text', text: 'Please rate this call. Press 1 for very dissatisfied, up to 5 for very satisfied.' };
const ASK_ZH: Prompt = { type: 'text', text: '请为本次通话评分：非常不满意请按 1，非常满意请按 5。' };
const THANKS: Prompt = { type: 'text', text: 'Thank you for your rating. Goodbye.' };
const THANKS_ZH: Prompt = { type: 'text', text: '感谢您的评价，再见。' };

function localized(ctx: Ctx, en: Prompt, zh: Prompt): Prompt {
  const language = ctx.config.language;
  return language?.toLowerCase().startsWith('zh') && zh.type === 'text' ? { ...zh, language } : en;
}

/** The survey question as a one-key menu (the caller has 8 seconds). */
export function surveyMenu(ctx: Ctx): Instruction {
  return { op: 'menu', menuId: SURVEY_MENU, prompt: ctx.config.surveyPrompt ?? localized(ctx, ASK, ASK_ZH), timeoutSeconds: SURVEY_SECONDS };
}

/**
 * The agent hung up on a customer who called in: when the channel's survey is on (and the
 * company's surveys are), the caller stays on the line for the question instead of being hung up.
 */
export async function offerSurvey(trx: Transaction<Database>, ctx: Ctx, call: Call): Promise<Outcome | undefined> {
  if (!ctx.config.satisfactionSurvey || call.direction !== 'in' || call.state !== 'answered' || !call.answered_at) return undefined;
  const settings = await sql<{ surveys_enabled: boolean }>`SELECT surveys_enabled FROM report_settings WHERE tenant_id = ${ctx.channel.tenantId}`.execute(trx);
  if (settings.rows[0]?.surveys_enabled === false) return undefined;
  const updated = await updateCall(trx, call, { state: 'ivr', ivr_menu: SURVEY_MENU, ivr_retries: 0, agent_leg_id: null });
  await logCallEvent(trx, call, 'survey', { agentId: call.agent_id });
  return { call: updated, instructions: [surveyMenu(ctx)], signals: [] };
}

/**
 * The caller's key after the survey question: 1 to 5 is the rating (the `call.rated` signal, which
 * the router records for the call's conversation), then thanks and goodbye. Another key asks once
 * more; silence, or a second wrong key, ends the call without a rating.
 */
export async function surveyAnswered(trx: Transaction<Database>, ctx: Ctx, call: Call, key: string | null): Promise<Outcome> {
  const rating = key !== null && /^[1-5]$/.test(key) ? Number(key) : undefined;
  if (rating === undefined && key !== null && call.ivr_retries < 1) {
    const updated = await updateCall(trx, call, { ivr_retries: call.ivr_retries + 1 });
    await logCallEvent(trx, call, 'key', { menu: SURVEY_MENU, key });
    return { call: updated, instructions: [surveyMenu(ctx)], signals: [] };
  }
  const updated = await updateCall(trx, call, { ivr_menu: null });
  if (rating === undefined) {
    await logCallEvent(trx, call, 'not_rated', key === null ? {} : { key });
    return { call: updated, instructions: [{ op: 'hangup' }], signals: [] };
  }
  await logCallEvent(trx, call, 'rated', { rating });
  return {
    call: updated,
    instructions: [{ op: 'hangup', prompt: localized(ctx, THANKS, THANKS_ZH) }],
    signals: [callSignal(updated, 'call.rated', { rating })],
  };
}

/**
 * The platform asks again about the survey key (a webhook's retry): the first answer may not have
 * reached the bus, so the rating is raised again (its signal id is the same: stored once).
 */
export async function surveyAnsweredAgain(trx: Transaction<Database>, ctx: Ctx, call: Call): Promise<Outcome> {
  const rated = await trx.selectFrom('call_events').select('detail').where('call_id', '=', call.id).where('kind', '=', 'rated').executeTakeFirst();
  const rating = (rated?.detail as { rating?: unknown } | undefined)?.rating;
  if (typeof rating !== 'number') return { call, instructions: [{ op: 'hangup' }], signals: [] };
  return { call, instructions: [{ op: 'hangup', prompt: localized(ctx, THANKS, THANKS_ZH) }], signals: [callSignal(call, 'call.rated', { rating })] };
}
