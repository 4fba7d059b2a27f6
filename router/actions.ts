/**
 * What the console (and anyone else) may ask of the router. Each call is one transaction that
 * holds the conversation's row and the tenant's routing lock, writes its events to the outbox,
 * and throws NotFoundError, ConflictError, ForbiddenError or ValidationError (core/errors.ts).
 */
export { assignConversation, type AssignInput } from './conversations/assign-conversation.js';
export { claimConversation, type ClaimInput } from './conversations/claim-conversation.js';
export { transferConversation, type TransferInput, type TransferTarget } from './conversations/transfer-conversation.js';
export { resolveConversation, reopenConversation, type ResolveInput } from './conversations/resolve-conversation.js';
export { setAgentStatus, setAgentPhoneStatus, setAgentCapacity, type AgentInfo } from './agents/agent-settings.js';
export type { RouterDeps } from './deps.js';
