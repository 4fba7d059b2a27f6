import type { RoutedConversation } from '../../assignment/route-conversation.js';
import { decideConversationRoute } from '../../assignment/route-conversation.js';
import { calendarLookup, type RoutingConfig } from '../../rules/config.js';
import type { RoutingFacts } from '../../rules/facts.js';
import type { ToRoute } from '../batch.js';
import { messageText } from '../envelope.js';
import type { InboundStep } from '../pipeline.js';

/**
 * Step 5: the rules (or what the channel said) decide group, skills, priority and agent for every
 * conversation up for routing. Before the tenant's routing lock: nothing a decision reads (the
 * message, the contact, the rules, whether a named agent exists) depends on who holds what, so
 * the batches of one company decide at the same time. Placing them is the assign step's, under
 * the lock.
 */
export const route: InboundStep = {
  name: 'route',
  async run(batch) {
    const { trx, toRoute, configs } = batch;
    for (const item of toRoute.values()) {
      const config = configs.get(item.envelope.tenantId)!;
      const started = performance.now();
      const decided = await decideConversationRoute(trx, item.conversation, config, routingFacts(item, config), item.previousAssigneeId, item.override);
      batch.decisions.set(item.conversation.id, { ...decided, ms: performance.now() - started });
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
