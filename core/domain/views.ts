import type { Conversation, Message } from '../db/schema.js';
import type { ConversationSnapshot, MessageView } from './events.js';
import type { ContentPart } from './messages.js';
import { gatewayMessageId } from './message-ref.js';

export function conversationSnapshot(row: Conversation): ConversationSnapshot {
  return {
    id: row.id,
    channelId: row.channel_id,
    contactId: row.contact_id,
    status: row.status,
    groupId: row.group_id,
    assigneeId: row.assignee_id,
    priority: row.priority,
  };
}

export function messageView(row: Message): MessageView {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    direction: row.direction,
    senderType: row.sender_type,
    senderId: row.sender_id,
    private: row.private,
    parts: row.content as ContentPart[],
    status: row.status,
    ...(row.direction === 'in' && row.external_id ? { gatewayId: gatewayMessageId(row.channel_id, row.external_id) } : {}),
    ...(row.status === 'failed' ? { error: row.error ?? 'delivery failed', errorCode: row.error_code ?? null } : {}),
    createdAt: new Date(row.created_at).toISOString(),
    ...(isSurveyMessage(row) ? { about: 'survey' as const } : {}),
  };
}

/** The satisfaction survey the platform sent when the conversation was resolved (surveys/sender.ts keys it so). */
export const isSurveyMessage = (row: Pick<Message, 'sender_type' | 'client_id'>): boolean =>
  row.sender_type === 'system' && (row.client_id?.startsWith(SURVEY_CLIENT_PREFIX) ?? false);

/** The client id of a conversation's survey message: one per conversation, so a repeat sends nothing twice. */
export const SURVEY_CLIENT_PREFIX = 'csat-';
export const surveyClientId = (conversationId: string): string => `${SURVEY_CLIENT_PREFIX}${conversationId}`;
