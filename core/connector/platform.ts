import { sql } from 'kysely';
import type { ChannelAttachments } from '@switchboard/connector-sdk';
import { AttachmentStore } from '../attachments/store.js';
import type { Db } from '../db/database.js';
import type { Conversation, MessageStatus } from '../db/schema.js';
import { channelAccessToken, type TokenRequest } from './access-token.js';
import { noCallCenter, type CallCenterPort } from './call-center-port.js';
import { verifyApiKey } from './api-keys.js';
import { channelCompany, type ChannelCompany } from './platform-company.js';
import { channelFiles } from './platform-files.js';
import { connectorTables, type ConnectorTables } from './platform-tables.js';
import { updateMessageStatus } from './status.js';
import { event } from '../domain/events.js';
import { conversationSnapshot } from '../domain/views.js';
import { recordEvents } from '../outbox/outbox.js';
import { coalescedLookup } from '../db/coalesce.js';
import { keepPlan } from '../db/keep-plan.js';

/**
 * What a built-in connector may read of the platform's records, and change, for its own channel:
 * named questions and changes instead of the whole database. Every one is scoped here to the
 * channel's tenant and to the channel, so a connector cannot reach another company's records by
 * a wrong id. Each capability is what a connector actually needs; add one here (with its test)
 * rather than handing a connector a query builder.
 */
export interface ConnectorPlatform extends ConnectorTables {
  messages: ChannelMessages;
  conversations: ChannelConversations;
  contacts: ChannelContacts;
  company: ChannelCompany;
  files: ChannelFiles;
  replies: ChannelReplies;
  /** The call center, for a channel that carries calls (call-center-port.ts); refuses every question on any other. */
  calls: CallCenterPort;
  apiKeys: { /** Whether `key` is a live API key of this channel. */ verify(key: string): Promise<boolean> };
  /**
   * The channel's provider access token, shared by the cluster and kept sealed: `request` asks the
   * provider for a new one when there is none, it is near its end, or it is the `refused` one.
   */
  accessToken(request: TokenRequest, refused?: string): Promise<string>;
  /**
   * Runs `work` alone across the cluster for this channel and `key` (one sync of one provider
   * account at a time), under an advisory lock held by one connection of its own. `work` gets a
   * platform and an attachment store on that same connection: the embedded database has only the
   * one, so a query on any other would wait for ever. The lock goes when `work` settles.
   */
  exclusively<T>(key: string, work: (scope: { platform: ConnectorPlatform; attachments: ChannelAttachments }) => Promise<T>): Promise<T>;
}

/** A message the customer sent on this channel, as a reply window needs it. */
export interface CustomerMessage {
  id: string;
  conversationId: string;
  content: unknown[];
  /** When the provider says it was sent, else when it was stored. */
  at: Date;
  createdAt: Date;
}

export interface ChannelMessages {
  /** The conversation of each inbound message of this channel already stored, by its external id. */
  inboundConversations(externalIds: readonly string[]): Promise<Map<string, string>>;
  /**
   * The thread key of the conversation holding a message of this channel named by one of `ids`
   * (its external id or the provider's id), trying `ids` in order; undefined when none is known.
   */
  threadKeyOf(ids: readonly string[]): Promise<string | undefined>;
  /** The latest message the customer known here as `externalId` sent (or action they took) on this channel. */
  lastFromCustomer(externalId: string): Promise<CustomerMessage | undefined>;
  /**
   * When the customer known here as `externalId` last wrote in any of their conversations on this
   * channel (the provider's send time where it gave one).
   */
  lastInboundAt(externalId: string): Promise<Date | undefined>;
  /** Whether a reply that reached the provider was sent in the conversation of `messageId` after that message. */
  answeredAfter(messageId: string): Promise<boolean>;
}

/** One message of a conversation's transcript (internal notes left out). */
export interface TranscriptMessage {
  id: string;
  direction: 'in' | 'out';
  senderType: 'contact' | 'agent' | 'system' | 'bot';
  externalId: string | null;
  providerMessageId: string | null;
  content: unknown[];
}

export interface ChannelConversations {
  /** A conversation's subject and its messages the customer can see, oldest first; empty for an unknown id. */
  transcript(conversationId: string): Promise<{ subject: string | null; messages: TranscriptMessage[] }>;
  /** A conversation of this channel: its thread key and the customer's id on the channel. */
  customer(conversationId: string): Promise<{ threadKey: string; externalId: string } | undefined>;
  /** The newest conversation of the customer known here as `externalId` that is not resolved. */
  openOf(externalId: string): Promise<Conversation | undefined>;
  /**
   * The customer known here as `externalId` started or stopped typing: tells the consoles (a
   * `typing` event from the contact in their open conversation). False when they have none;
   * the caller pokes the outbox relay after a true.
   */
  customerTyping(externalId: string, on: boolean): Promise<boolean>;
  /**
   * What the customer known here as `externalId` can see of their conversations on this channel:
   * every message that is not an internal note, after the message id `after`, oldest first.
   */
  history(externalId: string, options: { after?: string | undefined; limit: number }): Promise<HistoryMessage[]>;
}

/** A message as the customer's own history shows it. */
export interface HistoryMessage {
  id: string;
  direction: 'in' | 'out';
  content: unknown[];
  status: MessageStatus;
  createdAt: Date;
  externalId: string | null;
  senderType: 'contact' | 'agent' | 'system' | 'bot';
  /** The name of the agent who sent it, for an agent's reply. */
  agentName: string | null;
}

/** Files of this channel as a customer may reach them. */
export interface ChannelFiles {
  /** The files `owner` (a customer's external id) uploaded, by id; only those found are returned. */
  ownedBy(owner: string, ids: readonly string[]): Promise<{ id: string; name: string; mimeType: string; size: number; durationMs: number | null }[]>;
  /**
   * A file `owner` may see, with its bytes: one they uploaded, or one carried by a message (not an
   * internal note) of their own conversations on this channel; undefined otherwise.
   */
  visibleTo(owner: string, id: string): Promise<{ file: { id: string; name: string }; bytes: Buffer } | undefined>;
}

export interface ChannelContacts {
  /** The contact's first id on this channel (the one the provider knows them by). */
  externalIdOf(contactId: string): Promise<string | undefined>;
}

/** Delivery news about replies sent through this channel; each moves a status forward only and tells the consoles. */
export interface ChannelReplies {
  /** The provider's news for the reply it knows as `providerMessageId` (a receipt); unknown ids are ignored. */
  statusByProviderId(providerMessageId: string, status: Extract<MessageStatus, 'sent' | 'delivered' | 'read' | 'failed'>, error?: string): Promise<void>;
  /** The reply `messageId` (our id) failed with the provider's reason; false when it is not a reply of this channel. */
  failed(messageId: string, failure: { reason: string; code?: string }): Promise<boolean>;
  /**
   * The customer known here as `externalId` got (or read) the replies up to `upTo` in their
   * conversations: the latest 500 sent ones move forward, and `upTo` itself even while still
   * queued (the browser can show a reply before the worker records its send). Returns how many
   * moved; the caller pokes the outbox relay.
   */
  seenByCustomer(externalId: string, upTo: string, status: 'delivered' | 'read'): Promise<number>;
}

const BIG_ID = /^[1-9][0-9]{0,18}$/;

/** The capabilities of one channel, every query bound to its tenant and id. */
export function connectorPlatform(
  db: Db,
  channel: { id: string; tenantId: string; type: string },
  installation: { secretKey: Buffer; dataDir: string; publicUrl?: string; publicUrlSet?: boolean },
  calls: CallCenterPort = noCallCenter,
): ConnectorPlatform {
  const tenantId = channel.tenantId;
  const channelId = channel.id;
  const ours = { 'm.tenant_id': tenantId, 'm.channel_id': channelId } as const;
  const inboundConversations = coalescedLookup(async (externalIds: string[]) => {
    // One probe of the channel's message ids per message (`messages_external`, the only index
    // that fits). The company and direction are checked on the row found: as conditions of the
    // scan they let PostgreSQL read the company's messages through a tenant index instead, a
    // cost that grew with every message stored.
    const { rows } = await sql<{ external_id: string; conversation_id: string }>`${keepPlan}
      select k.external_id, s.conversation_id
      from unnest(${externalIds}::text[]) as k(external_id)
      cross join lateral (
        select m.conversation_id, m.tenant_id, m.direction from messages m
        where m.channel_id = ${channelId} and m.external_id = k.external_id limit 1
      ) s
      where s.tenant_id = ${tenantId} and s.direction = 'in'`.execute(db);
    return new Map(rows.map((r) => [r.external_id, r.conversation_id]));
  });
  const platform: ConnectorPlatform = {
    ...connectorTables(db, channel),
    messages: {
      inboundConversations,
      async threadKeyOf(ids) {
        if (ids.length === 0) return undefined;
        const rows = await db
          .selectFrom('messages as m')
          .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
          .select(['m.external_id', 'm.provider_message_id', 'c.thread_key'])
          .where((eb) => eb.and(ours))
          .where('c.tenant_id', '=', tenantId)
          .where((eb) => eb.or([eb('m.external_id', 'in', ids), eb('m.provider_message_id', 'in', ids)]))
          .execute();
        for (const id of ids) {
          const row = rows.find((r) => r.external_id === id || r.provider_message_id === id);
          if (row) return row.thread_key;
        }
        return undefined;
      },
      async lastFromCustomer(externalId) {
        const row = await db
          .selectFrom('messages as m')
          .innerJoin('contact_identities as ci', (join) =>
            join.onRef('ci.tenant_id', '=', 'm.tenant_id').onRef('ci.contact_id', '=', 'm.sender_id').onRef('ci.channel_id', '=', 'm.channel_id'),
          )
          .select(['m.id', 'm.conversation_id', 'm.content', 'm.sent_at', 'm.created_at'])
          .where((eb) => eb.and({ ...ours, 'm.direction': 'in', 'ci.external_id': externalId }))
          .orderBy('m.created_at', 'desc')
          .orderBy('m.id', 'desc')
          .limit(1)
          .executeTakeFirst();
        if (!row) return undefined;
        const createdAt = new Date(row.created_at);
        return { id: row.id, conversationId: row.conversation_id, content: row.content, at: new Date(row.sent_at ?? row.created_at), createdAt };
      },
      async lastInboundAt(externalId) {
        const row = await db
          .selectFrom('messages as m')
          .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
          .innerJoin('contact_identities as i', (join) => join.onRef('i.contact_id', '=', 'c.contact_id').onRef('i.channel_id', '=', 'm.channel_id'))
          .select(sql<Date | null>`max(coalesce(m.sent_at, m.created_at))`.as('at'))
          .where((eb) => eb.and({ ...ours, 'm.direction': 'in', 'i.external_id': externalId }))
          .executeTakeFirst();
        return row?.at ? new Date(row.at) : undefined;
      },
      async answeredAfter(messageId) {
        if (!BIG_ID.test(messageId)) return false;
        const asked = await db
          .selectFrom('messages as m')
          .select(['m.conversation_id', 'm.created_at'])
          .where((eb) => eb.and({ ...ours, 'm.id': messageId }))
          .executeTakeFirst();
        if (!asked) return false;
        const answered = await db
          .selectFrom('messages as m')
          .select('m.id')
          .where((eb) => eb.and({ ...ours, 'm.direction': 'out', 'm.conversation_id': asked.conversation_id }))
          .where('m.status', 'in', ['sent', 'delivered', 'read'])
          .where('m.created_at', '>', asked.created_at)
          .executeTakeFirst();
        return answered !== undefined;
      },
    },
    conversations: {
      async transcript(conversationId) {
        const conversation = await db
          .selectFrom('conversations')
          .select(['subject'])
          .where('tenant_id', '=', tenantId)
          .where('channel_id', '=', channelId)
          .where('id', '=', conversationId)
          .executeTakeFirst();
        if (!conversation) return { subject: null, messages: [] };
        const rows = await db
          .selectFrom('messages')
          .select(['id', 'direction', 'sender_type', 'external_id', 'provider_message_id', 'content'])
          .where('tenant_id', '=', tenantId)
          .where('conversation_id', '=', conversationId)
          .where('private', '=', false)
          .orderBy('id')
          .execute();
        return {
          subject: conversation.subject,
          messages: rows.map((r) => ({
            id: r.id,
            direction: r.direction,
            senderType: r.sender_type,
            externalId: r.external_id,
            providerMessageId: r.provider_message_id,
            content: r.content,
          })),
        };
      },
      async customer(conversationId) {
        const row = await db
          .selectFrom('conversations as c')
          .innerJoin('contact_identities as i', (j) => j.onRef('i.contact_id', '=', 'c.contact_id').onRef('i.channel_id', '=', 'c.channel_id'))
          .select(['c.thread_key', 'i.external_id'])
          .where('c.tenant_id', '=', tenantId)
          .where('c.channel_id', '=', channelId)
          .where('c.id', '=', conversationId)
          .executeTakeFirst();
        return row ? { threadKey: row.thread_key, externalId: row.external_id } : undefined;
      },
      openOf(externalId) {
        return db
          .selectFrom('conversations as c')
          .innerJoin('contact_identities as ci', (join) => join.onRef('ci.contact_id', '=', 'c.contact_id').onRef('ci.channel_id', '=', 'c.channel_id'))
          .selectAll('c')
          .where('c.tenant_id', '=', tenantId)
          .where('ci.channel_id', '=', channelId)
          .where('ci.external_id', '=', externalId)
          .where('c.status', '<>', 'resolved')
          .orderBy('c.created_at', 'desc')
          .executeTakeFirst();
      },
      async customerTyping(externalId, on) {
        const conversation = await platform.conversations.openOf(externalId);
        if (!conversation) return false;
        await recordEvents(db, [event(tenantId, 'typing', { conversation: conversationSnapshot(conversation), from: 'contact', on })]);
        return true;
      },
      async history(externalId, { after, limit }) {
        const rows = await db
          .selectFrom('messages as m')
          .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
          .innerJoin('contact_identities as ci', (join) => join.onRef('ci.contact_id', '=', 'c.contact_id').onRef('ci.channel_id', '=', 'c.channel_id'))
          .leftJoin('users as u', 'u.id', 'm.sender_id')
          .select(['m.id', 'm.direction', 'm.content', 'm.status', 'm.created_at', 'm.external_id', 'm.sender_type', 'u.name as agent_name'])
          .where('m.tenant_id', '=', tenantId)
          .where('ci.channel_id', '=', channelId)
          .where('ci.external_id', '=', externalId)
          .where('m.private', '=', false)
          .$if(after !== undefined && /^\d{1,19}$/.test(after), (q) => q.where('m.id', '>', after!))
          .orderBy('m.id')
          .limit(limit)
          .execute();
        return rows.map((r) => ({
          id: r.id,
          direction: r.direction,
          content: r.content,
          status: r.status,
          createdAt: new Date(r.created_at),
          externalId: r.external_id,
          senderType: r.sender_type,
          agentName: r.agent_name,
        }));
      },
    },
    contacts: {
      async externalIdOf(contactId) {
        const row = await db
          .selectFrom('contact_identities')
          .select('external_id')
          .where('tenant_id', '=', tenantId)
          .where('contact_id', '=', contactId)
          .where('channel_id', '=', channelId)
          .orderBy('created_at')
          .executeTakeFirst();
        return row?.external_id;
      },
    },
    replies: {
      async statusByProviderId(providerMessageId, status, error) {
        const rows = await db
          .selectFrom('messages as m')
          .select('m.id')
          .where((eb) => eb.and({ ...ours, 'm.direction': 'out', 'm.provider_message_id': providerMessageId }))
          .execute();
        await updateMessageStatus(db, { tenantId, messageIds: rows.map((r) => r.id), status, error });
      },
      async failed(messageId, failure) {
        if (!BIG_ID.test(messageId)) return false;
        const own = await db
          .selectFrom('messages as m')
          .select('m.id')
          .where((eb) => eb.and({ ...ours, 'm.direction': 'out', 'm.id': messageId }))
          .executeTakeFirst();
        if (!own) return false;
        await updateMessageStatus(db, { tenantId, messageIds: [own.id], status: 'failed', error: failure.reason, errorCode: failure.code ?? null });
        return true;
      },
      async seenByCustomer(externalId, upTo, status) {
        if (!BIG_ID.test(upTo)) return 0;
        const ids = await db
          .selectFrom('messages as m')
          .innerJoin('conversations as co', 'co.id', 'm.conversation_id')
          .innerJoin('contact_identities as ci', (j) => j.onRef('ci.contact_id', '=', 'co.contact_id').onRef('ci.channel_id', '=', 'co.channel_id'))
          .select('m.id')
          .where('m.tenant_id', '=', tenantId)
          .where('ci.channel_id', '=', channelId)
          .where('ci.external_id', '=', externalId)
          .where('m.direction', '=', 'out')
          .where('m.private', '=', false)
          .where('m.id', '<=', upTo)
          .where((eb) =>
            eb.or([eb('m.status', 'in', status === 'read' ? ['sent', 'delivered'] : ['sent']), eb.and([eb('m.id', '=', upTo), eb('m.status', '=', 'queued')])]),
          )
          .limit(500)
          .execute();
        const moved = await updateMessageStatus(db, { tenantId, messageIds: ids.map((r) => r.id), status });
        return moved.length;
      },
    },
    company: channelCompany(
      db,
      tenantId,
      installation.publicUrl === undefined ? undefined : { publicUrl: installation.publicUrl, publicUrlSet: installation.publicUrlSet ?? false },
    ),
    files: channelFiles(db, channel, installation.dataDir),
    calls,
    apiKeys: { verify: (key) => verifyApiKey(db, channelId, key) },
    accessToken: (request, refused) => channelAccessToken(db, installation.secretKey, channel, request, refused),
    exclusively(key, work) {
      // The name is the one the WeCom sync has always locked, so processes of both versions exclude each other.
      const lockKey = `switchboard.${channel.type}:${channelId}:${key}`;
      return db.connection().execute(async (conn) => {
        await sql`select pg_advisory_lock(hashtextextended(${lockKey}, 0))`.execute(conn);
        try {
          return await work({
            // The call center keeps to its own connections: no phone connector asks it under the lock.
            platform: connectorPlatform(conn, channel, installation, calls),
            attachments: channelAttachments(new AttachmentStore(conn, installation.dataDir), tenantId, channelId),
          });
        } finally {
          await sql`select pg_advisory_unlock(hashtextextended(${lockKey}, 0))`.execute(conn).catch(() => {});
        }
      });
    },
  };
  return platform;
}

/** The store bound to one channel: files are kept under its tenant and channel. */
export function channelAttachments(store: AttachmentStore, tenantId: string, channelId: string): ChannelAttachments {
  return {
    put: (options) => store.put(tenantId, channelId, options),
    read: (id) => store.read(tenantId, id),
  };
}
