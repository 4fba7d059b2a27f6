import type { InboundFeature, InboundStep } from '../pipeline/pipeline.js';
import { scheduleJob } from './jobs.js';

/**
 * Inactivity timers restart with every customer message: each conversation the batch wrote in,
 * in a group that resolves idle conversations, gets its `router.auto_resolve` job moved to that
 * long from now (run by ./auto-resolve.ts).
 */
export const restartAutoResolve: InboundStep = {
  name: 'auto-resolve-timers',
  async run(batch) {
    for (const conversation of batch.conversations.values()) {
      const groupId = batch.routed.get(conversation.id)?.group_id ?? conversation.group_id;
      const group = groupId ? batch.configs.get(conversation.tenant_id)?.groups.get(groupId) : undefined;
      if (group?.auto_resolve_after_seconds) {
        await scheduleJob(batch.trx, conversation.tenant_id, 'router.auto_resolve', { conversationId: conversation.id }, group.auto_resolve_after_seconds);
      }
    }
  },
};

export const autoResolveTimers: InboundFeature = {
  name: 'auto-resolve',
  steps: [{ step: restartAutoResolve, place: { before: 'adopt-names' } }],
};
