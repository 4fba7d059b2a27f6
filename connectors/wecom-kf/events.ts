import type { ChannelContext, ChannelEvent, EventForwarding } from '../../core/connector/define.js';
import type { ConversationSnapshot } from '../../core/domain/events.js';
import type { WecomKfConfig } from './connector.js';
import { moveSession, sessionState, SessionState } from './session.js';

/**
 * Keeps WeCom's session state in step with the conversation here: a new session assigned here
 * is taken into the API's hands on WeCom's side (state 1: WeCom neither queues it for its own
 * members nor refuses our replies, which it does in states 2 and 3); resolved here ends it there.
 */
async function forward(event: ChannelEvent, ctx: ChannelContext<WecomKfConfig>): Promise<void> {
  const snapshot = event.payload.conversation as ConversationSnapshot;
  const row = await ctx.platform.conversations.customer(snapshot.id);
  if (!row?.threadKey) return;
  if (event.kind === 'conversation.resolved') {
    const { state } = await sessionState(ctx, row.threadKey, row.externalId);
    // An ended session cannot change state.
    if (state !== SessionState.ENDED) await moveSession(ctx, row.threadKey, row.externalId, SessionState.ENDED);
  } else {
    const { state } = await sessionState(ctx, row.threadKey, row.externalId);
    if (state === SessionState.NEW) await moveSession(ctx, row.threadKey, row.externalId, SessionState.API);
  }
}

export const serviceStateEvents: EventForwarding<WecomKfConfig> = {
  kinds: ['conversation.assigned', 'conversation.resolved'],
  handle: forward,
};
