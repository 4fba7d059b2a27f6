import { leaveQueueLocked } from '../conversations/leave-queue.js';
import { resolveLocked } from '../conversations/resolve-conversation.js';
import { lockTenantRouting } from '../locking.js';
import type { InboundBatch, ToRoute } from '../pipeline/batch.js';
import type { InboundFeature, InboundStep } from '../pipeline/pipeline.js';

/**
 * Channels that route by themselves (a phone menu, see ChannelRouting in core/domain/messages.ts)
 * tell the router what to do with a message's conversation: hold it back from routing (a caller
 * still in the menu), route it where they say (the queue the caller chose), end it (the caller
 * hung up) or take it out of the line (sent to voicemail). The conversations to end or take out
 * of line are kept per batch, between the two steps.
 */
const endings = new WeakMap<InboundBatch, { end: Set<string>; leave: Set<string> }>();

/**
 * Before route: a held conversation is not routed; one the channel names a group or agent for is
 * routed there, over the rules (a held one too, once the caller chose). Ending takes the tenant
 * locks as well: when a conversation ends, every tenant lock of the batch is taken now, in order.
 */
export const followChannelRouting: InboundStep = {
  name: 'channel-routing',
  async run(batch) {
    const plan = new Map<string, ToRoute>();
    const opened = new Map([...batch.toRoute.values()].map((r) => [r.envelope, r]));
    const end = new Set<string>();
    const leave = new Set<string>();
    for (const message of batch.threaded) {
      if (message.outcome === 'claimed') continue;
      const { conversation, envelope, contact } = message;
      const routing = envelope.message.routing;
      const override = routing?.groupId || routing?.agentId ? routing : undefined;
      const entry = opened.get(envelope);
      if (entry) {
        opened.delete(envelope);
        if (!routing?.hold) plan.set(conversation.id, override ? { ...entry, override } : entry);
      }
      // The channel names where a held conversation goes (the caller chose a queue in the menu).
      if (override && conversation.status === 'open' && !plan.get(conversation.id)?.override) {
        plan.set(conversation.id, { conversation, envelope, contact, previousAssigneeId: null, override });
      }
      if (routing?.end) end.add(conversation.id);
      if (routing?.leave) leave.add(conversation.id);
    }
    // Put up for routing by another step, not by a message of this batch: kept as it is.
    for (const entry of opened.values()) plan.set(entry.conversation.id, entry);
    batch.toRoute = plan;
    if (end.size === 0 && leave.size === 0) return;
    endings.set(batch, { end, leave });
    const ending = [...batch.conversations.values()].filter((c) => end.has(c.id) || leave.has(c.id));
    const tenants = new Set([...plan.values()].map((r) => r.envelope.tenantId).concat(ending.map((c) => c.tenant_id)));
    for (const tenantId of [...tenants].sort()) await lockTenantRouting(batch.trx, tenantId);
  },
};

/** After assign: the conversations the channel ended are resolved, those it took out of line leave it. */
export const applyChannelEndings: InboundStep = {
  name: 'channel-endings',
  async run(batch) {
    const mine = endings.get(batch);
    if (!mine) return;
    const { trx, events } = batch;
    for (const conversation of batch.conversations.values()) {
      if (mine.leave.has(conversation.id) && !mine.end.has(conversation.id)) {
        const current = await trx.selectFrom('conversations').selectAll().where('id', '=', conversation.id).forUpdate().executeTakeFirstOrThrow();
        batch.routed.set(conversation.id, await leaveQueueLocked(trx, events, current));
        continue;
      }
      if (!mine.end.has(conversation.id)) continue;
      const current = batch.current(conversation);
      if (current.status !== 'resolved') batch.routed.set(conversation.id, await resolveLocked(trx, events, current, 'ended on the channel'));
    }
  },
};

export const channelRouting: InboundFeature = {
  name: 'channel-routing',
  steps: [
    { step: followChannelRouting, place: { before: 'route' } },
    { step: applyChannelEndings, place: { after: 'assign' } },
  ],
};
