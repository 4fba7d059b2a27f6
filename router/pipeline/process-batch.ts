import { sql, type Transaction } from 'kysely';
import type { Contact, Conversation, Database } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { ratingOfReply, surveyAnsweredByReply } from '../../core/domain/survey-reply.js';
import { conversationSnapshot, messageView } from '../../core/domain/views.js';
import { ValidationError } from '../../core/errors.js';
import { leaveQueueLocked } from '../conversations/leave-queue.js';
import { resolveLocked } from '../conversations/resolve-conversation.js';
import { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';
import { loadRoutingConfig, type RoutingConfig } from '../rules/config.js';
import { scheduleJob } from '../timers/jobs.js';
import { adoptGivenNames, createContacts } from './identify.js';
import { alreadyStored, identityKey, preloadContacts, preloadOpenConversations, threadKeyOf } from './preload.js';
import { routeNewConversations, type ToRoute } from './route-batch.js';
import { conversationAwaitingRating, ratingOfCall, recordChannelRating } from './survey-answers.js';
import { createConversations, recentlyResolved, threadMessage } from './thread.js';

export interface InboundOutcome {
  stored: number;
  duplicates: number;
  /** Index in the input → why it was refused (the rest is committed without it). */
  rejected: Map<number, Error>;
  /** Routing rules skipped because they do not validate, for the operator's log. */
  invalidRules: { tenantId: string; id: string; name: string; problem: string }[];
}

/**
 * Steps 1–5 for a batch of inbound messages, in the caller's transaction, in order: dedupe,
 * identify, thread, store; then route and assign the conversations that are new or reopened, with
 * every event in the outbox. Ordered per tenant locks (see ../locking.ts) keep it deadlock-free
 * beside other router processes and console actions.
 */
export async function processInbound(
  trx: Transaction<Database>,
  envelopes: readonly InboundEnvelope[],
  options: { observeRouting?: (seconds: number) => void } = {},
): Promise<InboundOutcome> {
  const outcome: InboundOutcome = { stored: 0, duplicates: 0, rejected: new Map(), invalidRules: [] };
  if (envelopes.length === 0) return outcome;
  const events = new EventLog();

  const channelIds = [...new Set(envelopes.map((e) => e.channelId))];
  const channels = new Map(
    (await trx.selectFrom('channels').select(['id', 'tenant_id', 'type']).where('id', 'in', channelIds).execute()).map((c) => [c.id, c]),
  );
  const seen = await alreadyStored(trx, envelopes);
  const accepted: { index: number; envelope: InboundEnvelope }[] = [];
  for (const [index, envelope] of envelopes.entries()) {
    const channel = channels.get(envelope.channelId);
    if (!channel || channel.tenant_id !== envelope.tenantId) {
      outcome.rejected.set(index, new ValidationError('unknown channel for this tenant', [{ field: 'channelId', message: envelope.channelId }]));
      continue;
    }
    const dedupeKey = `${envelope.channelId}|${envelope.message.externalId}`;
    if (seen.has(dedupeKey)) {
      outcome.duplicates++;
      continue;
    }
    seen.add(dedupeKey);
    accepted.push({ index, envelope });
  }

  // Known customers and their open conversations in two queries for the whole batch; new
  // customers and their first conversations in three more.
  const contacts = await preloadContacts(trx, accepted.map((a) => a.envelope));
  const firstOfNewSender = new Map<string, InboundEnvelope>();
  for (const { envelope } of accepted) {
    const key = identityKey(envelope.channelId, envelope.message.sender.externalId);
    if (!contacts.has(key) && !firstOfNewSender.has(key)) firstOfNewSender.set(key, envelope);
  }
  const newContacts = new Set<string>();
  for (const [key, made] of await createContacts(trx, [...firstOfNewSender.values()])) {
    contacts.set(key, made.contact);
    if (made.created) {
      newContacts.add(made.contact.id);
      const { id, name, email, phone } = made.contact;
      events.add(made.contact.tenant_id, 'contact.created', { contact: { id, name, email, phone }, holders: [] });
    }
  }
  const open = await preloadOpenConversations(
    trx,
    accepted.flatMap(({ envelope }) => {
      const contact = contacts.get(identityKey(envelope.channelId, envelope.message.sender.externalId))!;
      return newContacts.has(contact.id) ? [] : [{ channelId: envelope.channelId, contactId: contact.id, threadKey: envelope.message.threadKey ?? '' }];
    }),
  );
  const configs = new Map<string, RoutingConfig>();
  for (const tenantId of [...new Set(accepted.map((a) => a.envelope.tenantId))].sort()) {
    const config = await loadRoutingConfig(trx, tenantId);
    configs.set(tenantId, config);
    for (const rule of config.invalidRules) outcome.invalidRules.push({ tenantId, ...rule });
  }

  // A thread with no open conversation gets a new one. A new contact's threads, and a known
  // contact's threads with nothing resolved to reopen, are made together in one statement; the
  // rest (a conversation to reopen, a reply that may rate a survey, a thread another worker opened
  // a moment ago) go one by one through `threadMessage` below.
  const firstOfNewThread = new Map<string, { envelope: InboundEnvelope; contactId: string }>();
  const knownWithoutOpen = new Map<string, { envelope: InboundEnvelope; contactId: string }>();
  for (const { envelope } of accepted) {
    const contact = contacts.get(identityKey(envelope.channelId, envelope.message.sender.externalId))!;
    const key = threadKeyOf(envelope.channelId, contact.id, envelope.message.threadKey ?? '');
    if (firstOfNewThread.has(key) || knownWithoutOpen.has(key) || open.has(key)) continue;
    if (newContacts.has(contact.id)) firstOfNewThread.set(key, { envelope, contactId: contact.id });
    else if (!(surveyAnsweredByReply(channels.get(envelope.channelId)!.type) && ratingOfReply(envelope.message.parts))) {
      knownWithoutOpen.set(key, { envelope, contactId: contact.id });
    }
  }
  const reopenable = await recentlyResolved(
    trx,
    [...knownWithoutOpen.values()].map(({ envelope, contactId }) => ({
      channelId: envelope.channelId,
      contactId,
      threadKey: envelope.message.threadKey ?? '',
      windowSeconds: configs.get(envelope.tenantId)!.reopenWindowSeconds,
    })),
  );
  const created = new Map(
    [
      ...(await createConversations(trx, [...firstOfNewThread.values()])),
      ...(await createConversations(
        trx,
        // In key order, as another worker inserting the same threads would wait on them.
        [...knownWithoutOpen]
          .filter(([key]) => !reopenable.has(key))
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([, thread]) => thread),
        { skipOpen: true },
      )),
    ].map((c) => [threadKeyOf(c.channel_id, c.contact_id, c.thread_key), c]),
  );

  const conversations = new Map<string, Conversation>();
  const toRoute = new Map<string, ToRoute>();
  const toEnd = new Set<string>();
  const toLeave = new Set<string>();
  const toStore: { envelope: InboundEnvelope; contact: Contact; conversation: Conversation }[] = [];
  const ratings: { conversation: Conversation; rating: number; via: 'keyword' | 'dtmf' }[] = [];

  for (const { envelope } of accepted) {
    const config = configs.get(envelope.tenantId)!;
    const contact = contacts.get(identityKey(envelope.channelId, envelope.message.sender.externalId))!;
    const key = threadKeyOf(envelope.channelId, contact.id, envelope.message.threadKey ?? '');
    let conversation = conversations.get(key) ?? open.get(key);
    const channelType = channels.get(envelope.channelId)!.type;
    // A reply that only rates the survey of a resolved conversation is its answer: stored in that
    // conversation, which stays resolved, instead of reopening it or starting a new one.
    const replyRating = !conversation && !created.has(key) && surveyAnsweredByReply(channelType) ? ratingOfReply(envelope.message.parts) : undefined;
    const rated = replyRating ? await conversationAwaitingRating(trx, envelope, contact.id) : undefined;
    if (rated && replyRating) {
      ratings.push({ conversation: rated, rating: replyRating, via: 'keyword' });
      toStore.push({ envelope, contact, conversation: rated });
      continue;
    }
    const routing = envelope.message.routing;
    const override = routing?.groupId || routing?.agentId ? routing : undefined;
    if (!conversation) {
      const fresh = created.get(key);
      const threaded = fresh
        ? ({ conversation: fresh, outcome: 'created' } as const)
        : await threadMessage(trx, envelope, contact.id, config.reopenWindowSeconds);
      conversation = threaded.conversation;
      if (threaded.outcome === 'created') {
        events.add(envelope.tenantId, 'conversation.created', { conversation: conversationSnapshot(conversation) });
      }
      if (threaded.outcome === 'reopened') {
        events.add(envelope.tenantId, 'conversation.reopened', { conversation: conversationSnapshot(conversation) });
      }
      // A channel that routes by itself may hold a new conversation back (a caller in a phone menu).
      if (threaded.outcome !== 'existing' && !routing?.hold) {
        toRoute.set(conversation.id, {
          conversation,
          envelope,
          contact,
          previousAssigneeId: threaded.outcome === 'reopened' ? threaded.previousAssigneeId : null,
          override,
        });
      }
    }
    // The channel names where a held conversation goes (the caller chose a queue in the menu).
    if (override && conversation.status === 'open' && !toRoute.get(conversation.id)?.override) {
      toRoute.set(conversation.id, { conversation, envelope, contact, previousAssigneeId: null, override });
    }
    if (routing?.end) toEnd.add(conversation.id);
    if (routing?.leave) toLeave.add(conversation.id);
    const callRating = ratingOfCall(channelType, envelope.message.parts);
    if (callRating) ratings.push({ conversation, rating: callRating, via: 'dtmf' });
    conversations.set(key, conversation);
    toStore.push({ envelope, contact, conversation });
  }

  // Every message of the batch in one insert, in arrival order (ids keep it per conversation).
  if (toStore.length) {
    const rows = await trx
      .insertInto('messages')
      .values(
        toStore.map(({ envelope, contact, conversation }) => ({
          tenant_id: envelope.tenantId,
          conversation_id: conversation.id,
          channel_id: envelope.channelId,
          direction: 'in' as const,
          sender_type: 'contact' as const,
          sender_id: contact.id,
          external_id: envelope.message.externalId,
          client_id: null,
          content: JSON.stringify(envelope.message.parts),
          status: 'received' as const,
          error: null,
          sent_at: envelope.message.sentAt ?? null,
        })),
      )
      .onConflict((oc) => oc.columns(['channel_id', 'external_id']).where('external_id', 'is not', null).doNothing())
      .returningAll()
      .execute();
    const stored = new Map(rows.map((row) => [`${row.channel_id}|${row.external_id}`, row]));
    for (const { envelope, conversation } of toStore) {
      const message = stored.get(`${envelope.channelId}|${envelope.message.externalId}`);
      if (!message) {
        // Stored a moment ago by another worker (a replay racing its original).
        outcome.duplicates++;
        continue;
      }
      outcome.stored++;
      events.add(envelope.tenantId, 'message.created', { conversation: conversationSnapshot(conversation), message: messageView(message) });
    }
  }

  for (const { conversation, rating, via } of ratings) await recordChannelRating(trx, events, conversation, rating, via);

  // One update per conversation, not per message (those made above have the time already).
  const fresh = new Set([...created.values()].map((c) => c.id));
  const touched = [...new Set([...conversations.values()].map((c) => c.id))].filter((id) => !fresh.has(id));
  if (touched.length) {
    await trx
      .updateTable('conversations')
      .set({ last_message_at: sql`now()`, updated_at: sql`now()` })
      .where('id', 'in', touched)
      .execute();
  }

  if (toEnd.size || toLeave.size) {
    // Ending takes the tenant locks too: take them all now, in order, before routing does.
    const ending = [...conversations.values()].filter((c) => toEnd.has(c.id) || toLeave.has(c.id));
    for (const tenantId of [...new Set([...toRoute.values(), ...ending].map((c) => ('envelope' in c ? c.envelope.tenantId : c.tenant_id)))].sort()) {
      await lockTenantRouting(trx, tenantId);
    }
  }
  const routed = await routeNewConversations(trx, events, [...toRoute.values()], configs, options.observeRouting);
  for (const conversation of conversations.values()) {
    if (toLeave.has(conversation.id) && !toEnd.has(conversation.id)) {
      const current = await trx.selectFrom('conversations').selectAll().where('id', '=', conversation.id).forUpdate().executeTakeFirstOrThrow();
      routed.set(conversation.id, await leaveQueueLocked(trx, events, current));
      continue;
    }
    if (!toEnd.has(conversation.id)) continue;
    const current = routed.get(conversation.id) ?? conversation;
    if (current.status !== 'resolved') routed.set(conversation.id, await resolveLocked(trx, events, current, 'ended on the channel'));
  }

  // Inactivity timers restart with every customer message.
  for (const conversation of conversations.values()) {
    const groupId = routed.get(conversation.id)?.group_id ?? conversation.group_id;
    const group = groupId ? configs.get(conversation.tenant_id)?.groups.get(groupId) : undefined;
    if (group?.auto_resolve_after_seconds) {
      await scheduleJob(trx, conversation.tenant_id, 'router.auto_resolve', { conversationId: conversation.id }, group.auto_resolve_after_seconds);
    }
  }

  // Last, after the conversations' locks: a known customer who now says their name.
  const known = accepted.flatMap(({ envelope }) => {
    const contact = contacts.get(identityKey(envelope.channelId, envelope.message.sender.externalId));
    return contact && !newContacts.has(contact.id) ? [{ envelope, contact }] : [];
  });
  for (const { tenantId, payload } of await adoptGivenNames(trx, known)) events.add(tenantId, 'contact.updated', payload);

  await events.flush(trx);
  return outcome;
}
