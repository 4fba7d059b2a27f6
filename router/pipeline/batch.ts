import type { Transaction } from 'kysely';
import type { Channel, Contact, Conversation, Database, Message } from '../../core/db/schema.js';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import type { RouteOverride } from '../assignment/route-conversation.js';
import { EventLog } from '../events.js';
import type { RoutingConfig, RoutingConfigCache } from '../rules/config.js';
import type { ThreadClaim } from './pipeline.js';
import type { Decision } from './steps/route.js';
import { identityKey, threadKeyOf } from './preload.js';

export interface InboundOutcome {
  stored: number;
  duplicates: number;
  /** Index in the input → why it was refused (the rest is committed without it). */
  rejected: Map<number, Error>;
  /** Routing rules skipped because they do not validate, for the operator's log. */
  invalidRules: { tenantId: string; id: string; name: string; problem: string }[];
}

/** How a message found its conversation. `claimed`: a thread claim placed it (see ThreadClaim). */
export type ThreadOutcome = 'existing' | 'created' | 'reopened' | 'claimed';

/** One accepted message, once threaded: what the store step writes and module steps read. */
export interface ThreadedMessage {
  envelope: InboundEnvelope;
  contact: Contact;
  conversation: Conversation;
  outcome: ThreadOutcome;
  /** Who held a reopened conversation before it was resolved (routing offers it back to them). */
  previousAssigneeId: string | null;
  /** The thread claim that placed it, by name, when `outcome` is `claimed`. */
  claimedBy?: string;
}

/** A conversation to route and assign, with the message that opened (or reopened) it. */
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
 * What the steps of one batch share, in one transaction: each step reads what the ones before it
 * left here and adds its own part. Fields are filled in pipeline order (dedupe → identify →
 * thread → store → module steps → route → assign); a step only reads what an earlier step wrote.
 */
export class InboundBatch {
  readonly outcome: InboundOutcome = { stored: 0, duplicates: 0, rejected: new Map(), invalidRules: [] };
  /** The events of the batch, written to the outbox just before the commit. */
  readonly events = new EventLog();

  /** The pipeline's thread claims, for the thread step. */
  threadClaims: readonly ThreadClaim[] = [];

  /** dedupe: the batch's channels, by id. */
  channels = new Map<string, Pick<Channel, 'id' | 'tenant_id' | 'type'>>();
  /** dedupe: each company's `routing_config_version` as the batch began, by tenant id. */
  routingConfigVersions = new Map<string, string>();
  /** dedupe: the messages not refused nor seen before, with their index in the input. */
  accepted: { index: number; envelope: InboundEnvelope }[] = [];

  /** identify: the sender's contact, by `identityKey`. */
  contacts = new Map<string, Contact>();
  /** identify: the ids of contacts made by this batch. */
  newContacts = new Set<string>();

  /** thread: each tenant's routing set-up, from the process's cache unless its version moved. */
  configs = new Map<string, RoutingConfig>();
  /** thread: the accepted messages with their conversations, in arrival order. */
  threaded: ThreadedMessage[] = [];
  /** thread: the conversation of each thread the batch wrote in, by `threadKeyOf`. */
  conversations = new Map<string, Conversation>();
  /** thread: ids of the conversations made for this batch (they carry their time already). */
  created = new Set<string>();
  /** store: each message stored by this batch (not a duplicate), by its envelope. */
  stored = new Map<InboundEnvelope, Message>();
  /** thread, then module steps: the conversations route and assign take on, in order. */
  toRoute = new Map<string, ToRoute>();

  /** route: what the rules (or the channel) decided for each conversation of `toRoute`, by id. */
  decisions = new Map<string, Decision>();
  /** assign, then module steps: conversations as placed (or changed after), by id. */
  routed = new Map<string, Conversation>();

  constructor(
    readonly trx: Transaction<Database>,
    readonly envelopes: readonly InboundEnvelope[],
    readonly options: InboundOptions = {},
  ) {}

  contactOf(envelope: InboundEnvelope): Contact {
    return this.contacts.get(identityKey(envelope.channelId, envelope.message.sender.externalId))!;
  }

  channelTypeOf(envelope: InboundEnvelope): string {
    return this.channels.get(envelope.channelId)!.type;
  }

  threadOf(envelope: InboundEnvelope): string {
    return threadKeyOf(envelope.channelId, this.contactOf(envelope).id, envelope.message.threadKey ?? '');
  }

  /** A conversation as it stands now: placed by assign (or changed after), else as threaded. */
  current(conversation: Conversation): Conversation {
    return this.routed.get(conversation.id) ?? conversation;
  }
}

export interface InboundOptions {
  /** Told how long each conversation's routing took (seconds). */
  observeRouting?: (seconds: number) => void;
  /** Where routing set-ups are kept between batches; the process's own (`routingConfigs`) by default. */
  routingConfigs?: RoutingConfigCache;
}
