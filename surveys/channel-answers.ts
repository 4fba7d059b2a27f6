import { sql, type Transaction } from 'kysely';
import type { Conversation, Database } from '../core/db/schema.js';
import type { ContentPart, InboundEnvelope } from '../core/domain/messages.js';
import { SURVEY_REPLY_HOURS } from '../core/domain/survey-reply.js';
import { conversationSnapshot } from '../core/domain/views.js';
import type { EventLog } from '../router/events.js';

/**
 * The resolved conversation whose survey a customer's reply answers: theirs on this channel and
 * thread, its survey sent within SURVEY_REPLY_HOURS and not answered yet (the latest such one),
 * locked for this transaction.
 */
export async function conversationAwaitingRating(trx: Transaction<Database>, envelope: InboundEnvelope, contactId: string): Promise<Conversation | undefined> {
  return trx
    .selectFrom('conversations as c')
    .selectAll('c')
    .where('c.tenant_id', '=', envelope.tenantId)
    .where('c.channel_id', '=', envelope.channelId)
    .where('c.contact_id', '=', contactId)
    .where('c.thread_key', '=', envelope.message.threadKey ?? '')
    .where('c.status', '=', 'resolved')
    .where(
      sql<boolean>`EXISTS (SELECT 1 FROM csat_invitations i WHERE i.conversation_id = c.id AND i.sent_at > now() - make_interval(hours => ${SURVEY_REPLY_HOURS}))`,
    )
    .where(sql<boolean>`NOT EXISTS (SELECT 1 FROM csat_responses r WHERE r.conversation_id = c.id)`)
    .orderBy('c.resolved_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
}

/**
 * The rating a phone channel's `call.rated` signal carries (the caller pressed a key after the
 * agent hung up). Only phone channels: their messages are made by Switchboard's own call center
 * from the platform's verified events, never from what a customer typed.
 */
export function ratingOfCall(channelType: string, parts: readonly ContentPart[]): number | undefined {
  if (!channelType.startsWith('voice-')) return undefined;
  const part = parts.find((p) => p.type === 'event' && p.name === 'call.rated');
  const rating = part?.type === 'event' ? part.data?.rating : undefined;
  return typeof rating === 'number' && Number.isInteger(rating) && rating >= 1 && rating <= 5 ? rating : undefined;
}

/**
 * Records a survey answer given on the channel itself, in the batch's transaction, under the
 * conversation's channel, group and agent; the first answer wins (one per conversation), and
 * `csat.answered` tells the reports and the agents' consoles.
 */
export async function recordChannelRating(
  trx: Transaction<Database>,
  events: EventLog,
  conversation: Conversation,
  rating: number,
  via: 'keyword' | 'dtmf',
): Promise<boolean> {
  const { rows } = await sql<{ rating: number }>`
    INSERT INTO csat_responses (tenant_id, conversation_id, rating, comment, via, channel_id, group_id, agent_id)
    VALUES (${conversation.tenant_id}, ${conversation.id}, ${rating}, '', ${via}, ${conversation.channel_id}, ${conversation.group_id}, ${conversation.assignee_id})
    ON CONFLICT (conversation_id) DO NOTHING
    RETURNING rating`.execute(trx);
  if (rows.length === 0) return false;
  events.add(conversation.tenant_id, 'csat.answered', { conversation: conversationSnapshot(conversation), rating });
  return true;
}
