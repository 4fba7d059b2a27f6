import type { ChannelContext } from '../../core/connector/define.js';
import { ConnectorError } from '../../core/connector/errors.js';
import { callWecom } from './api.js';
import type { WecomKfConfig } from './connector.js';

type Ctx = ChannelContext<WecomKfConfig>;

/**
 * WeCom's session states (service_state), as its documentation names them: 0 new (未处理),
 * 1 served through the API (由智能助手接待), 2 waiting in WeCom's own queue (待接入池排队中),
 * 3 served by a WeCom member in the WeCom app (由人工接待), 4 ended or not started (已结束/未开始).
 * send_msg is accepted only in states 0 and 1; state 4 cannot be changed until the customer
 * writes again.
 */
export const SessionState = { NEW: 0, API: 1, QUEUED: 2, MEMBER: 3, ENDED: 4 } as const;

/** WeCom refused send_msg: the session's state does not allow a message from the API. */
export const SESSION_STATE_INVALID = '95018';
/** WeCom refused send_msg: 5 messages within 48 hours of the customer's last message are used up. */
export const REPLY_LIMIT = '95001';

export async function sessionState(ctx: Ctx, openKfId: string, externalUserId: string): Promise<{ state: number; servicer?: string }> {
  const answer = await callWecom(ctx, '/cgi-bin/kf/service_state/get', { open_kfid: openKfId, external_userid: externalUserId }, 'service_state/get');
  const state = typeof answer.service_state === 'number' ? answer.service_state : -1;
  return { state, ...(typeof answer.servicer_userid === 'string' && answer.servicer_userid ? { servicer: answer.servicer_userid } : {}) };
}

export async function moveSession(ctx: Ctx, openKfId: string, externalUserId: string, state: number, servicer?: string): Promise<void> {
  await callWecom(
    ctx,
    '/cgi-bin/kf/service_state/trans',
    { open_kfid: openKfId, external_userid: externalUserId, service_state: state, ...(servicer ? { servicer_userid: servicer } : {}) },
    'service_state/trans',
  );
}

/**
 * After a 95018: a new session (0) is taken into the API's hands (1), and the caller sends again;
 * any other state fails the reply, saying where the customer is.
 */
export async function claimForReply(ctx: Ctx, openKfId: string, externalUserId: string): Promise<void> {
  const { state, servicer } = await sessionState(ctx, openKfId, externalUserId);
  if (state === SessionState.NEW) return moveSession(ctx, openKfId, externalUserId, SessionState.API);
  if (state === SessionState.API)
    throw ConnectorError.retryable('WeCom refused the reply although the session is served through the API; trying again', SESSION_STATE_INVALID);
  const why =
    state === SessionState.QUEUED
      ? 'the customer is waiting in WeCom’s own queue (待接入池) for a WeCom member'
      : state === SessionState.MEMBER
        ? `a WeCom member${servicer ? ` (${servicer})` : ''} is serving the customer in the WeCom app`
        : state === SessionState.ENDED
          ? 'the WeCom session has ended: the customer must write first'
          : `the WeCom session is in state ${state}`;
  throw ConnectorError.permanent(
    `WeCom refused the reply: ${why}. WeCom accepts replies from here only while a session is new or served through the API (errcode 95018).`,
    SESSION_STATE_INVALID,
  );
}
