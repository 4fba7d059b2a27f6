import { sql } from 'kysely';
import type { ChannelContext } from '../../core/connector/define.js';
import type { ContentPart } from '../../core/domain/messages.js';
import type { WebConfig } from './connector.js';

export interface WidgetMessageView {
  id: string;
  direction: 'in' | 'out';
  parts: ContentPart[];
  status: string;
  at: string;
  /** The visitor's own id for a message it sent, so the widget can match its pending copy. */
  clientMessageId?: string;
  author?: string;
}

/**
 * What the visitor sees of their conversations on this channel: every message that is not an
 * internal note, after the cursor (a message id), oldest first.
 */
export async function visitorHistory(ctx: ChannelContext<WebConfig>, externalId: string, after: string | undefined, limit = 200) {
  const rows = await ctx.db
    .selectFrom('messages as m')
    .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
    .innerJoin('contact_identities as ci', (join) => join.onRef('ci.contact_id', '=', 'c.contact_id').onRef('ci.channel_id', '=', 'c.channel_id'))
    .leftJoin('users as u', 'u.id', 'm.sender_id')
    .select(['m.id', 'm.direction', 'm.content', 'm.status', 'm.created_at', 'm.external_id', 'm.sender_type', 'u.name as agent_name'])
    .where('ci.channel_id', '=', ctx.channel.id)
    .where('ci.external_id', '=', externalId)
    .where('m.private', '=', false)
    .$if(after !== undefined && /^\d{1,19}$/.test(after), (q) => q.where('m.id', '>', after!))
    .orderBy('m.id')
    .limit(limit)
    .execute();
  const conversation = await openConversation(ctx, externalId);
  return {
    messages: rows.map(
      (r): WidgetMessageView => ({
        id: r.id,
        direction: r.direction,
        parts: r.content as ContentPart[],
        status: r.status,
        at: new Date(r.created_at).toISOString(),
        ...(r.direction === 'in' && r.external_id?.startsWith(`${externalId}:`) ? { clientMessageId: r.external_id.slice(externalId.length + 1) } : {}),
        ...(r.direction === 'out' && r.sender_type === 'agent' && r.agent_name ? { author: r.agent_name } : {}),
      }),
    ),
    conversation: conversation ? { id: conversation.id, status: conversation.status } : null,
  };
}

/** The visitor's conversation that is not resolved, if any. */
export async function openConversation(ctx: ChannelContext<WebConfig>, externalId: string) {
  return ctx.db
    .selectFrom('conversations as c')
    .innerJoin('contact_identities as ci', (join) => join.onRef('ci.contact_id', '=', 'c.contact_id').onRef('ci.channel_id', '=', 'c.channel_id'))
    .selectAll('c')
    .where('ci.channel_id', '=', ctx.channel.id)
    .where('ci.external_id', '=', externalId)
    .where('c.status', '<>', 'resolved')
    .orderBy('c.created_at', 'desc')
    .executeTakeFirst();
}

/** Whether an agent of the company is online to answer now (else the widget offers the offline form). */
export async function agentsOnline(ctx: ChannelContext<WebConfig>): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('users')
    .select(sql<number>`1`.as('one'))
    .where('tenant_id', '=', ctx.channel.tenantId)
    .where('agent_status', '=', 'online')
    .where('account_status', '=', 'active')
    .executeTakeFirst();
  return row !== undefined;
}
