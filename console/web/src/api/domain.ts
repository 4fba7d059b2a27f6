/** The domain shapes the app shares with the server, from the API description (schema.ts). */
import type { Schemas } from './schema.js';

export type AgentStatus = Schemas['AgentStatus'];
export type ConversationStatus = Schemas['ConversationStatus'];
export type MessageStatus = Schemas['MessageStatus'];
export type ContentPart = Schemas['ContentPart'];
export type MessageView = Schemas['MessageView'];
export type ConversationSnapshot = Schemas['ConversationSnapshot'];
// The real-time feed is a WebSocket, outside the OpenAPI document: its events' types are imported.
export type { EventKind, EventPayloads } from '../../../../core/domain/events.js';
