import type { RoutedConversation } from '../../assignment/route-conversation.js';
import { decideConversationRoute } from '../../assignment/route-conversation.js';
import { lockTenantRouting } from '../../locking.js';
import { calendarLookup, type RoutingConfig } from '../../rules/config.js';
import type { RoutingFacts } from '../../rules/facts.js';
import type { ToRoute } from '../batch.js';
import { messageText } from '../envelope.js';
import type { InboundStep } from '../pipeline.js';

/**
 * Step 5: each tenant's routing lock (tenants in id order, see ../../locking.ts), then the rules
 * (or what the channel said) decide group, skills, priority and agent for every conversation up
 * for routing. Placing them is the assign step's, under the same locks.
 */
export const route: InboundStep = {
  name: 'route',
  async run(batch) {
    const { trx, toRoute, configs } = batch;
    const tenants = [...new Set([...toRoute.values()].map((r) => r.envelope.tenantId))].sort();
    for (const tenantId of tenants) {
      await lockTenantRouting(trx, tenantId);
      const config = configs.get(tenantId)!;
      for (const item of toRoute.values()) {
        if (item.envelope.tenantId !== tenantId) continue;
        const started = performance.now();
        const decided = await decideConversationRoute(trx, item.conversation, config, routingFacts(item, config), item.previousAssigneeId, item.override);
        batch.decisions.set(item.conversation.id, { ...decided, ms: performance.now() - started });
      }
    }
  },
};

/** What route decided for a conversation, and how long deciding took (ms), for the routing metric. */
export type Decision = RoutedConversation & { ms: number };

/** What the rules read of a conversation up for routing: its opening message, contact and channel, now. */
export function routingFacts(item: Pick<ToRoute, 'envelope' | 'contact'>, config: RoutingConfig): RoutingFacts {
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
