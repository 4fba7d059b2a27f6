/**
 * The events that travel on the `events` exchange (key `<tenantId>.<kind>`), written through the
 * outbox. Console nodes fan them out to the agents allowed to see them, so every event about a
 * conversation carries the conversation's snapshot: group and assignee decide who may see it.
 */
import type { AgentStatus, Capacity, ConversationStatus, MessageStatus, PhoneStatus } from '../db/schema.js';
import type { ContentPart } from './messages.js';

export interface ConversationSnapshot {
  id: string;
  channelId: string;
  contactId: string;
  status: ConversationStatus;
  groupId: string | null;
  assigneeId: string | null;
  priority: number;
}

export interface MessageView {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  senderType: 'contact' | 'agent' | 'system' | 'bot';
  senderId: string | null;
  private: boolean;
  parts: ContentPart[];
  status: MessageStatus;
  /** A customer's message: the id the gateway answered when it accepted it (core/domain/message-ref.ts). */
  gatewayId?: string;
  /** A failed outbound message: why, as the provider or receiver answered, and its code (an HTTP status, the provider's error code). */
  error?: string;
  errorCode?: string | null;
  createdAt: string;
  /** What the platform sent on its own, for the console to say in words: the satisfaction survey. */
  about?: 'survey';
}

export interface EventPayloads {
  'message.created': { conversation: ConversationSnapshot; message: MessageView };
  /** A status change, or new content (`parts`: a customer's media copied into the store). */
  'message.updated': {
    conversation: ConversationSnapshot;
    messageId: string;
    status: MessageStatus;
    error?: string;
    errorCode?: string | null;
    parts?: ContentPart[];
  };
  'conversation.created': { conversation: ConversationSnapshot };
  'conversation.queued': { conversation: ConversationSnapshot; position: number };
  'conversation.assigned': { conversation: ConversationSnapshot; previousAssigneeId: string | null };
  'conversation.transferred': { conversation: ConversationSnapshot; from: { assigneeId: string | null; groupId: string | null }; note?: string };
  'conversation.resolved': { conversation: ConversationSnapshot };
  'conversation.reopened': { conversation: ConversationSnapshot };
  'queue.position': { conversation: ConversationSnapshot; position: number };
  'agent.status': { userId: string; status: AgentStatus; phoneStatus?: PhoneStatus };
  'agent.capacity': { userId: string; capacity: Capacity };
  /** An agent's phone rings for a call: their console pops the caller's record (GET /api/calls/:id/pop). */
  'call.ringing': { conversation: ConversationSnapshot; callId: string; agentId: string; from: string; to: string; direction: 'in' | 'out' };
  /** A call ended (reports count it in the hour it ended). */
  'call.ended': { callId: string; channelId: string; disposition: string };
  /** A customer answered a satisfaction survey (reports; the conversation's rating). */
  'csat.answered': { conversation: ConversationSnapshot; rating: number };
  /** A callback plan came due: its agent is reminded (personal: only that agent receives it). */
  'callback.due': { agentId: string; plan: { id: string; contactId: string; phone: string; dueAt: string; note: string } };
  typing: { conversation: ConversationSnapshot; from: 'contact' | 'agent'; agentId?: string; on: boolean };
  /** Someone in the console viewed the conversation: the customer's messages up to `upTo` are read (the web chat shows it). */
  'conversation.read': { conversation: ConversationSnapshot; upTo: string; by: string };
  /**
   * A contact's record changed (an agent's edit): every screen that shows the customer updates.
   * `holders` are who holds the customer's conversations: agents who may see one may receive it.
   */
  'contact.updated': { contact: ContactSummary; holders: Pick<ConversationSnapshot, 'groupId' | 'assigneeId'>[] };
  /** A new customer record (a first message from someone unknown, an agent's entry, an import). */
  'contact.created': { contact: ContactSummary; holders: Pick<ConversationSnapshot, 'groupId' | 'assigneeId'>[] };
  /** Customer records merged into one (`contact` is the one kept; `mergedIds` are gone). */
  'contact.merged': { contact: ContactSummary; mergedIds: string[]; holders: Pick<ConversationSnapshot, 'groupId' | 'assigneeId'>[] };
  /** A company webhook was disabled after a failure streak (those who manage webhooks receive it). */
  'webhook.disabled': { webhook: { id: string; name: string; url: string }; reason: string };
  /** A channel started failing or works again (only those who manage channels receive it). */
  'channel.health': {
    channelId: string;
    health: { status: 'ok' | 'error'; source: 'receive' | 'send' | 'webhook'; error: string | null; errorAt: string | null; updatedAt: string };
  };
}

export interface ContactSummary {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
}

export type EventKind = keyof EventPayloads;

export function event<K extends EventKind>(tenantId: string, kind: K, payload: EventPayloads[K]) {
  return { tenantId, kind, payload: payload as unknown as Record<string, unknown> };
}
