/**
 * The domain shapes the app shares with the server, imported as types only (nothing of the
 * server is bundled).
 */
export type { AgentStatus, ConversationStatus, MessageStatus } from '../../../../core/db/schema.js';
export type { ContentPart } from '../../../../core/domain/messages.js';
export type { ConversationSnapshot, EventKind, EventPayloads, MessageView } from '../../../../core/domain/events.js';
