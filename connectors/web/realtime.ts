import { randomBytes } from 'node:crypto';
import type { Bus } from '../../core/bus/bus.js';
import { OnDemandQueue } from '../../core/bus/on-demand-queue.js';
import type { EventReads } from '../../core/connector/event-reads.js';
import type { ConversationSnapshot } from '../../core/domain/events.js';
import type { EventEnvelope } from '../../core/outbox/outbox.js';
import type { Logger } from '../../core/log/logger.js';
import { WIDGET_MESSAGE_KIND, type WidgetPush } from './send.js';

/** Something that can carry a JSON frame to one browser tab: a WebSocket or an SSE stream. */
export interface VisitorConnection {
  send(frame: Record<string, unknown>): void;
}

const FORWARDED = ['typing', 'queue.position', 'conversation.queued', 'conversation.assigned', 'conversation.resolved', 'conversation.read'] as const;

/**
 * The visitors connected to this gateway node, by channel and visitor. While a visitor is
 * connected here (and for a minute after the last leaves, as a visitor moving between pages
 * reconnects), the node subscribes to the events it may have to forward (a private, transient
 * queue), so a reply reaches the visitor whichever node holds the socket; a node without
 * visitors receives none of them.
 */
export class VisitorHub {
  private readonly connections = new Map<string, Set<VisitorConnection>>();
  private events: OnDemandQueue | undefined;

  constructor(
    private readonly reads: EventReads,
    private readonly logger: Logger,
    private readonly options: { idleMs?: number } = {},
  ) {}

  async start(bus: Bus): Promise<void> {
    this.events = new OnDemandQueue(
      bus,
      {
        name: `widget.${randomBytes(6).toString('hex')}`,
        transient: true,
        bindings: [WIDGET_MESSAGE_KIND, ...FORWARDED].map((kind) => ({ exchange: 'events' as const, pattern: `*.${kind}` })),
      },
      // One at a time: a visitor sees typing on/off and assignment in the order they happened.
      {
        each: async (delivery) =>
          delivery.routingKey.endsWith(`.${WIDGET_MESSAGE_KIND}`)
            ? this.deliverReply(delivery.json<WidgetPush>())
            : this.forward(delivery.json<EventEnvelope>()),
      },
      { prefetch: 1, idleMs: this.options.idleMs ?? 60_000, logger: this.logger },
    );
  }

  async stop(): Promise<void> {
    await this.events?.stop();
  }

  /** Whether this node receives the events for visitors now. */
  get subscribed(): boolean {
    return this.events?.active ?? false;
  }

  /**
   * Adds a visitor's connection; resolves once this node receives the visitor's events, with the
   * function that removes the connection again.
   */
  async add(channelId: string, visitorId: string, connection: VisitorConnection): Promise<() => void> {
    const key = `${channelId}|${visitorId}`;
    let set = this.connections.get(key);
    if (!set) this.connections.set(key, (set = new Set()));
    set.add(connection);
    let removed = false;
    const remove = () => {
      if (removed) return;
      removed = true;
      set.delete(connection);
      if (set.size === 0) this.connections.delete(key);
      if (this.connections.size === 0) this.events?.release();
    };
    try {
      await this.events?.want();
    } catch (error) {
      remove();
      throw error;
    }
    return remove;
  }

  push(channelId: string, visitorId: string, frame: Record<string, unknown>): void {
    for (const connection of this.connections.get(`${channelId}|${visitorId}`) ?? []) {
      try {
        connection.send(frame);
      } catch (error) {
        this.logger.debug({ err: error instanceof Error ? error.message : String(error) }, 'a visitor connection refused a frame');
      }
    }
  }

  private hasChannel(channelId: string): boolean {
    for (const key of this.connections.keys()) if (key.startsWith(`${channelId}|`)) return true;
    return false;
  }

  private async deliverReply(push: WidgetPush): Promise<void> {
    if (!this.connections.has(`${push.channelId}|${push.visitorId}`)) return;
    // The agent's name (or that the answer bot wrote it), as the history shows it: the visitor reads who answered.
    const sender = await this.reads.replySender(push.channelId, push.message.id);
    this.push(push.channelId, push.visitorId, {
      type: 'message',
      conversationId: push.conversationId,
      message: {
        ...push.message,
        direction: 'out',
        status: 'sent',
        ...(sender?.name ? { author: sender.name } : {}),
        ...(sender?.type === 'bot' ? { bot: true } : {}),
      },
    });
  }

  private async forward(envelope: EventEnvelope): Promise<void> {
    const payload = envelope.payload as {
      conversation?: ConversationSnapshot;
      from?: string;
      on?: boolean;
      position?: number;
      agentId?: string;
      upTo?: string;
    };
    const conversation = payload.conversation;
    if (!conversation || !this.hasChannel(conversation.channelId)) return;
    if (envelope.kind === 'typing' && payload.from !== 'agent') return;
    const identities = await this.reads.customerIds(conversation.contactId, conversation.channelId);
    const frame =
      envelope.kind === 'typing'
        ? { type: 'typing', on: payload.on === true }
        : envelope.kind === 'conversation.assigned'
          ? { type: 'assigned', agent: await this.agentName(conversation.assigneeId) }
          : envelope.kind === 'conversation.resolved'
            ? { type: 'resolved' }
            : envelope.kind === 'conversation.read'
              ? { type: 'read', upTo: payload.upTo }
              : { type: 'queue', position: payload.position ?? null };
    for (const externalId of identities) {
      // The widget knows its own messages by the id it gave them until it reloads the history.
      if (!this.connections.has(`${conversation.channelId}|${externalId}`)) continue;
      const read =
        envelope.kind === 'conversation.read' && payload.upTo && envelope.tenantId
          ? { clientMessageIds: await this.reads.readClientIds(envelope.tenantId, conversation.id, externalId, payload.upTo) }
          : {};
      this.push(conversation.channelId, externalId, { ...frame, ...read });
    }
  }

  private async agentName(userId: string | null): Promise<string | null> {
    return userId ? this.reads.agentName(userId) : null;
  }
}
