import type { Transaction } from 'kysely';
import type { Contact, Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';
import { resolveLocked } from '../conversations/resolve-conversation.js';
import { routingFacts } from '../pipeline/steps/route.js';
import { routingConfigs } from '../rules/config.js';
import { AgentPool } from './agent-pool.js';
import { decideConversationRoute, placeRoutedConversation } from './route-conversation.js';

/** A conversation a feature held back from routing (the answer bot), with what opened it. */
export interface HeldConversation {
  /** Its row, locked FOR UPDATE by the caller's transaction; still `open` (no one placed it). */
  conversation: Conversation;
  /** The message that opened (or reopened) it, as the pipeline had it. */
  envelope: InboundEnvelope;
  contact: Contact;
  previousAssigneeId: string | null;
}

/**
 * Routes a conversation a feature held back, outside the inbound pipeline, exactly as the
 * pipeline's route and assign steps would have when its first message came: the tenant's routing
 * lock (after the caller's conversation lock, the order ../locking.ts prescribes), the routing
 * set-up as it is now, the rules deciding on the facts of the opening message, then placement.
 * Its events are written in the caller's transaction.
 */
export async function routeHeldConversation(trx: Transaction<Database>, held: HeldConversation): Promise<Conversation> {
  const tenantId = held.conversation.tenant_id;
  await lockTenantRouting(trx, tenantId);
  const config = await routingConfigs.get(trx, tenantId);
  const events = new EventLog();
  const decided = await decideConversationRoute(trx, held.conversation, config, routingFacts(held, config), held.previousAssigneeId);
  const placed = await placeRoutedConversation(trx, events, new AgentPool(trx, tenantId), decided, config);
  await events.flush(trx);
  return placed;
}

/**
 * Resolves a conversation for a feature (the answer bot when the customer is helped), with the
 * reason the assignment log keeps. The caller holds the conversation's row; the tenant's routing
 * lock is taken here. A resolved conversation is left as it is.
 */
export async function resolveHeldConversation(trx: Transaction<Database>, conversation: Conversation, reason: string): Promise<Conversation> {
  if (conversation.status === 'resolved') return conversation;
  await lockTenantRouting(trx, conversation.tenant_id);
  const events = new EventLog();
  const resolved = await resolveLocked(trx, events, conversation, reason);
  await events.flush(trx);
  return resolved;
}
