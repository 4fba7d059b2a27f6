import type { Transaction } from 'kysely';
import type { Contact, Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { AgentPool } from '../assignment/agent-pool.js';
import { AssignmentBatch } from '../assignment/assign.js';
import { routeConversation } from '../assignment/route-conversation.js';
import type { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';
import { calendarLookup, type RoutingConfig } from '../rules/config.js';
import type { RoutingFacts } from '../rules/facts.js';
import type { RouteOverride } from '../assignment/route-conversation.js';
import { messageText } from './envelope.js';

/** A conversation a batch opened or reopened, with the message that did it. */
export interface ToRoute {
  /** As threaded, locked by this transaction since. */
  conversation: Conversation;
  envelope: InboundEnvelope;
  contact: Contact;
  previousAssigneeId: string | null;
  /** Where the channel said it goes, over the rules. */
  override?: RouteOverride;
}

/**
 * Steps 4 and 5 for a batch: each tenant's routing lock (in id order), then the rules and the
 * groups' strategies over an agent pool read once under it. Returns the conversations as placed.
 */
export async function routeNewConversations(
  trx: Transaction<Database>,
  events: EventLog,
  toRoute: readonly ToRoute[],
  configs: ReadonlyMap<string, RoutingConfig>,
  /** Told how long each conversation's routing took (seconds), the pool's first read included. */
  observe?: (seconds: number) => void,
): Promise<Map<string, Conversation>> {
  const routed = new Map<string, Conversation>();
  const tenants = [...new Set(toRoute.map((r) => r.envelope.tenantId))].sort();
  for (const tenantId of tenants) {
    await lockTenantRouting(trx, tenantId);
    const config = configs.get(tenantId)!;
    const batch = new AssignmentBatch();
    const pool = new AgentPool(trx, tenantId, batch);
    const mine = toRoute.filter((r) => r.envelope.tenantId === tenantId);
    if ([...config.groups.values()].some((g) => g.strategy === 'sticky')) await pool.preloadPreviousAgents(mine.map((r) => r.contact.id));
    const took: number[] = [];
    for (const item of mine) {
      const started = performance.now();
      const placed = await routeConversation(trx, events, pool, item.conversation, config, factsOf(item, config), item.previousAssigneeId, item.override);
      took.push(performance.now() - started);
      routed.set(placed.id, placed);
    }
    // The assignments' writes, together; each decision is charged its share of them.
    const started = performance.now();
    for (const row of await batch.flush(trx)) routed.set(row.id, row);
    const share = (performance.now() - started) / Math.max(1, took.length);
    for (const ms of took) observe?.((ms + share) / 1000);
  }
  return routed;
}

function factsOf(item: ToRoute, config: RoutingConfig): RoutingFacts {
  const now = new Date();
  const language = item.contact.attributes.language;
  return {
    channel: { id: item.envelope.channelId, type: item.envelope.channelType },
    contact: { attributes: item.contact.attributes, tags: item.contact.tags },
    text: messageText(item.envelope),
    events: item.envelope.message.parts.flatMap((p) => (p.type === 'event' ? [{ name: p.name, data: p.data }] : [])),
    language: item.envelope.message.language ?? (typeof language === 'string' ? language : undefined),
    now,
    isOpen: calendarLookup(config, now),
  };
}
