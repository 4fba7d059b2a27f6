import type { Conversation } from '../../../core/db/schema.js';
import type { InboundEnvelope } from '../../../core/domain/messages.js';
import { conversationSnapshot } from '../../../core/domain/views.js';
import { routingConfigs } from '../../rules/config.js';
import type { InboundBatch } from '../batch.js';
import type { InboundStep } from '../pipeline.js';
import { preloadOpenConversations, threadKeyOf } from '../preload.js';
import { createConversations, recentlyResolved, threadMessage } from '../thread.js';

/**
 * Step 3: the conversation of each message: the contact's open one on that channel and thread;
 * else one a module claims (a survey answer); else the last one resolved within the tenant's
 * reopen window, reopened; else a new one. New and reopened conversations are put up for routing.
 * Known open conversations come in one query; new ones are made together where nothing can race
 * them, the rest one by one (see ../thread.ts).
 */
export const thread: InboundStep = {
  name: 'thread',
  async run(batch) {
    const { trx, accepted, events } = batch;
    const open = await preloadOpenConversations(
      trx,
      accepted.flatMap(({ envelope }) => {
        const contact = batch.contactOf(envelope);
        return batch.newContacts.has(contact.id) ? [] : [{ channelId: envelope.channelId, contactId: contact.id, threadKey: envelope.message.threadKey ?? '' }];
      }),
    );
    for (const tenantId of [...new Set(accepted.map((a) => a.envelope.tenantId))].sort()) {
      const config = await (batch.options.routingConfigs ?? routingConfigs).get(trx, tenantId, batch.routingConfigVersions.get(tenantId));
      batch.configs.set(tenantId, config);
      for (const rule of config.invalidRules) batch.outcome.invalidRules.push({ tenantId, ...rule });
    }
    const created = await createInBulk(batch, open);

    for (const { envelope } of accepted) {
      const contact = batch.contactOf(envelope);
      const key = batch.threadOf(envelope);
      let conversation = batch.conversations.get(key) ?? open.get(key);
      if (!conversation && !created.has(key)) {
        const claimed = await claimFor(batch, envelope, contact.id);
        if (claimed) {
          batch.threaded.push({ envelope, contact, conversation: claimed.conversation, outcome: 'claimed', previousAssigneeId: null, claimedBy: claimed.by });
          continue;
        }
      }
      if (conversation) {
        batch.conversations.set(key, conversation);
        batch.threaded.push({ envelope, contact, conversation, outcome: 'existing', previousAssigneeId: null });
        continue;
      }
      const fresh = created.get(key);
      const threaded = fresh
        ? ({ conversation: fresh, outcome: 'created' } as const)
        : await threadMessage(trx, envelope, contact.id, batch.configs.get(envelope.tenantId)!.reopenWindowSeconds);
      conversation = threaded.conversation;
      const previousAssigneeId = threaded.outcome === 'reopened' ? threaded.previousAssigneeId : null;
      if (threaded.outcome === 'created') events.add(envelope.tenantId, 'conversation.created', { conversation: conversationSnapshot(conversation) });
      if (threaded.outcome === 'reopened') events.add(envelope.tenantId, 'conversation.reopened', { conversation: conversationSnapshot(conversation) });
      if (threaded.outcome !== 'existing') batch.toRoute.set(conversation.id, { conversation, envelope, contact, previousAssigneeId });
      batch.conversations.set(key, conversation);
      batch.threaded.push({ envelope, contact, conversation, outcome: threaded.outcome, previousAssigneeId });
    }
    for (const c of created.values()) batch.created.add(c.id);
  },
};

/**
 * A thread with no open conversation gets a new one. A new contact's threads, and a known
 * contact's threads with nothing resolved to reopen, are made together in one statement; the rest
 * (a conversation to reopen, a message a module may claim, a thread another worker opened a moment
 * ago) go one by one through `threadMessage`. Keyed by `threadKeyOf`.
 */
async function createInBulk(batch: InboundBatch, open: ReadonlyMap<string, Conversation>): Promise<Map<string, Conversation>> {
  const { trx } = batch;
  const firstOfNewThread = new Map<string, { envelope: InboundEnvelope; contactId: string }>();
  const knownWithoutOpen = new Map<string, { envelope: InboundEnvelope; contactId: string }>();
  for (const { envelope } of batch.accepted) {
    const contact = batch.contactOf(envelope);
    const key = batch.threadOf(envelope);
    if (firstOfNewThread.has(key) || knownWithoutOpen.has(key) || open.has(key)) continue;
    if (batch.newContacts.has(contact.id)) firstOfNewThread.set(key, { envelope, contactId: contact.id });
    else if (!batch.threadClaims.some((c) => c.mayClaim(envelope, batch.channelTypeOf(envelope))))
      knownWithoutOpen.set(key, { envelope, contactId: contact.id });
  }
  const reopenable = await recentlyResolved(
    trx,
    [...knownWithoutOpen.values()].map(({ envelope, contactId }) => ({
      channelId: envelope.channelId,
      contactId,
      threadKey: envelope.message.threadKey ?? '',
      windowSeconds: batch.configs.get(envelope.tenantId)!.reopenWindowSeconds,
    })),
  );
  return new Map(
    [
      ...(await createConversations(trx, [...firstOfNewThread.values()])),
      ...(await createConversations(
        trx,
        // In key order, as another worker inserting the same threads would wait on them.
        [...knownWithoutOpen]
          .filter(([key]) => !reopenable.has(key))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([, t]) => t),
        { skipOpen: true },
      )),
    ].map((c) => [threadKeyOf(c.channel_id, c.contact_id, c.thread_key), c]),
  );
}

/** The first thread claim that takes the message, with its conversation. */
async function claimFor(batch: InboundBatch, envelope: InboundEnvelope, contactId: string): Promise<{ conversation: Conversation; by: string } | undefined> {
  const channelType = batch.channelTypeOf(envelope);
  for (const claim of batch.threadClaims) {
    if (!claim.mayClaim(envelope, channelType)) continue;
    const conversation = await claim.claim(batch.trx, envelope, contactId);
    if (conversation) return { conversation, by: claim.name };
  }
  return undefined;
}
