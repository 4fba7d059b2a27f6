import { sql, type Transaction } from 'kysely';
import type { Contact, Conversation, Database } from '../../core/db/schema.js';
import { conversationKey, type InboundEnvelope } from '../../core/domain/messages.js';
import { conversationSnapshot, messageView } from '../../core/domain/views.js';
import { ValidationError } from '../../core/errors.js';
import { routeConversation } from '../assignment/route-conversation.js';
import { EventLog } from '../events.js';
import { lockTenantRouting } from '../locking.js';
import { calendarLookup, loadRoutingConfig, type RoutingConfig } from '../rules/config.js';
import { scheduleJob } from '../timers/jobs.js';
import { messageText } from './envelope.js';
import { identifyContact } from './identify.js';
import { threadMessage } from './thread.js';

export interface InboundOutcome {
  stored: number;
  duplicates: number;
  /** Index in the input → why it was refused (the rest is committed without it). */
  rejected: Map<number, Error>;
}

interface ToRoute {
  conversationId: string;
  envelope: InboundEnvelope;
  contact: Contact;
  previousAssigneeId: string | null;
}

/**
 * Steps 1–5 for a batch of inbound messages, in the caller's transaction, in order: dedupe,
 * identify, thread, store; then route and assign the conversations that are new or reopened, with
 * every event in the outbox. Ordered per tenant locks (see ../locking.ts) keep it deadlock-free
 * beside other router processes and console actions.
 */
export async function processInbound(trx: Transaction<Database>, envelopes: readonly InboundEnvelope[]): Promise<InboundOutcome> {
  const outcome: InboundOutcome = { stored: 0, duplicates: 0, rejected: new Map() };
  if (envelopes.length === 0) return outcome;
  const events = new EventLog();

  const channelIds = [...new Set(envelopes.map((e) => e.channelId))];
  const channels = new Map(
    (await trx.selectFrom('channels').select(['id', 'tenant_id', 'type']).where('id', 'in', channelIds).execute()).map((c) => [c.id, c]),
  );
  const seen = await alreadyStored(trx, envelopes);
  const configs = new Map<string, RoutingConfig>();
  const contacts = new Map<string, Contact>();
  const conversations = new Map<string, Conversation>();
  const toRoute: ToRoute[] = [];

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

    let config = configs.get(envelope.tenantId);
    if (!config) configs.set(envelope.tenantId, (config = await loadRoutingConfig(trx, envelope.tenantId)));

    const identityKey = `${envelope.channelId}|${envelope.message.sender.externalId}`;
    let contact = contacts.get(identityKey);
    if (!contact) contacts.set(identityKey, (contact = (await identifyContact(trx, envelope)).contact));

    const threadKey = conversationKey(envelope.channelId, envelope.message);
    let conversation = conversations.get(threadKey);
    if (!conversation) {
      const threaded = await threadMessage(trx, envelope, contact.id, config.reopenWindowSeconds);
      conversation = threaded.conversation;
      if (threaded.outcome === 'created') {
        events.add(envelope.tenantId, 'conversation.created', { conversation: conversationSnapshot(conversation) });
      }
      if (threaded.outcome === 'reopened') {
        events.add(envelope.tenantId, 'conversation.reopened', { conversation: conversationSnapshot(conversation) });
      }
      if (threaded.outcome !== 'existing') {
        toRoute.push({
          conversationId: conversation.id,
          envelope,
          contact,
          previousAssigneeId: threaded.outcome === 'reopened' ? threaded.previousAssigneeId : null,
        });
      }
      conversations.set(threadKey, conversation);
    }

    const message = await trx
      .insertInto('messages')
      .values({
        tenant_id: envelope.tenantId,
        conversation_id: conversation.id,
        channel_id: envelope.channelId,
        direction: 'in',
        sender_type: 'contact',
        sender_id: contact.id,
        external_id: envelope.message.externalId,
        client_id: null,
        content: JSON.stringify(envelope.message.parts),
        status: 'received',
        error: null,
        sent_at: envelope.message.sentAt ?? null,
      })
      .onConflict((oc) => oc.columns(['channel_id', 'external_id']).where('external_id', 'is not', null).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!message) {
      outcome.duplicates++;
      continue;
    }
    outcome.stored++;
    events.add(envelope.tenantId, 'message.created', { conversation: conversationSnapshot(conversation), message: messageView(message) });
  }

  // One update per conversation, not per message.
  const touched = [...new Set([...conversations.values()].map((c) => c.id))];
  if (touched.length) {
    await trx
      .updateTable('conversations')
      .set({ last_message_at: sql`now()`, updated_at: sql`now()` })
      .where('id', 'in', touched)
      .execute();
  }

  // Routing takes the tenants' locks, in id order.
  const routed = new Map<string, Conversation>();
  const tenants = [...new Set(toRoute.map((r) => r.envelope.tenantId))].sort();
  for (const tenantId of tenants) {
    await lockTenantRouting(trx, tenantId);
    const config = configs.get(tenantId)!;
    for (const item of toRoute.filter((r) => r.envelope.tenantId === tenantId)) {
      const current = await trx.selectFrom('conversations').selectAll().where('id', '=', item.conversationId).executeTakeFirstOrThrow();
      const now = new Date();
      const facts = {
        channel: { id: item.envelope.channelId, type: item.envelope.channelType },
        contact: { attributes: item.contact.attributes, tags: item.contact.tags },
        text: messageText(item.envelope),
        language: item.envelope.message.language ?? stringAttribute(item.contact.attributes, 'language'),
        now,
        isOpen: calendarLookup(config, now),
      };
      routed.set(current.id, await routeConversation(trx, events, current, config, facts, item.previousAssigneeId));
    }
  }

  // Inactivity timers restart with every customer message.
  for (const conversation of conversations.values()) {
    const groupId = routed.get(conversation.id)?.group_id ?? conversation.group_id;
    const group = groupId ? configs.get(conversation.tenant_id)?.groups.get(groupId) : undefined;
    if (group?.auto_resolve_after_seconds) {
      await scheduleJob(trx, conversation.tenant_id, 'router.auto_resolve', { conversationId: conversation.id }, group.auto_resolve_after_seconds);
    }
  }

  await events.flush(trx);
  return outcome;
}

function stringAttribute(attributes: Record<string, unknown>, key: string): string | undefined {
  const value = attributes[key];
  return typeof value === 'string' ? value : undefined;
}

/** The batch's (channel, external id) pairs already stored: one query for the whole batch. */
async function alreadyStored(trx: Transaction<Database>, envelopes: readonly InboundEnvelope[]): Promise<Set<string>> {
  const rows = await trx
    .selectFrom('messages')
    .select(['channel_id', 'external_id'])
    .where('channel_id', 'in', [...new Set(envelopes.map((e) => e.channelId))])
    .where('external_id', 'in', [...new Set(envelopes.map((e) => e.message.externalId))])
    .execute();
  return new Set(rows.map((r) => `${r.channel_id}|${r.external_id}`));
}
