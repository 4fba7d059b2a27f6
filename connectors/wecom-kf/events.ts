import type { ChannelContext, ChannelEvent, EventForwarding } from '../../core/connector/define.js';
import type { ConversationSnapshot } from '../../core/domain/events.js';
import { callWecom } from './api.js';
import type { WecomKfConfig } from './connector.js';

/** WeCom's session states (service_state): 3 served by a member, 4 ended. */
const SERVED_BY_MEMBER = 3;
const ENDED = 4;

/**
 * Keeps WeCom's session state in step with the conversation here: assigned here is served by
 * the configured WeCom member there; resolved here ends the session there.
 */
async function forward(event: ChannelEvent, ctx: ChannelContext<WecomKfConfig>): Promise<void> {
  const snapshot = event.payload.conversation as ConversationSnapshot;
  const row = await ctx.db
    .selectFrom('conversations as c')
    .innerJoin('contact_identities as i', (j) => j.onRef('i.contact_id', '=', 'c.contact_id').onRef('i.channel_id', '=', 'c.channel_id'))
    .select(['c.thread_key', 'i.external_id'])
    .where('c.tenant_id', '=', ctx.channel.tenantId)
    .where('c.id', '=', snapshot.id)
    .executeTakeFirst();
  if (!row?.thread_key) return;
  const base = { open_kfid: row.thread_key, external_userid: row.external_id };
  if (event.kind === 'conversation.resolved') {
    await callWecom(ctx, '/cgi-bin/kf/service_state/trans', { ...base, service_state: ENDED }, 'service_state/trans');
  } else if (ctx.config.servicerUserId) {
    await callWecom(ctx, '/cgi-bin/kf/service_state/trans', { ...base, service_state: SERVED_BY_MEMBER, servicer_userid: ctx.config.servicerUserId }, 'service_state/trans');
  }
}

export const serviceStateEvents: EventForwarding<WecomKfConfig> = {
  kinds: ['conversation.assigned', 'conversation.resolved'],
  handle: forward,
};
