import { randomBytes } from 'node:crypto';
import type { Bus } from '../../core/bus/bus.js';
import { OnDemandQueue } from '../../core/bus/on-demand-queue.js';
import type { Db } from '../../core/db/database.js';
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
    private readonly db: Db,
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
      async (delivery) =>
        delivery.routingKey.endsWith(`.${WIDGET_MESSAGE_KIND}`) ? this.deliverReply(delivery.json<WidgetPush>()) : this.forward(delivery.json<EventEnvelope>()),
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
    // The agent's name, as the history shows it: the visitor reads who answered.
    const sender = /^\d{1,19}$/.test(push.message.id)
      ? await this.db
          .selectFrom('messages as m')
          .innerJoin('users as u', 'u.id', 'm.sender_id')
          .select('u.name')
          .where('m.id', '=', push.message.id)
          .where('m.channel_id', '=', push.channelId)
          .where('m.sender_type', '=', 'agent')
          .executeTakeFirst()
      : undefined;
    this.push(push.channelId, push.visitorId, {
      type: 'message',
      conversationId: push.conversationId,
      message: { ...push.message, direction: 'out', status: 'sent', ...(sender ? { author: sender.name } : {}) },
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
    const identities = await this.db
      .selectFrom('contact_identities')
      .select('external_id')
      .where('contact_id', '=', conversation.contactId)
      .where('channel_id', '=', conversation.channelId)
      .execute();
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
    for (const identity of identities) {
      // The widget knows its own messages by the id it gave them until it reloads the history.
      if (!this.connections.has(`${conversation.channelId}|${identity.external_id}`)) continue;
      const read =
        envelope.kind === 'conversation.read' && payload.upTo && envelope.tenantId
          ? { clientMessageIds: await this.readIds(envelope.tenantId, conversation.id, identity.external_id, payload.upTo) }
          : {};
      this.push(conversation.channelId, identity.external_id, { ...frame, ...read });
    }
  }

  /** The visitor's own ids of their latest messages up to `upTo` that are read. */
  private async readIds(tenantId: string, conversationId: string, externalId: string, upTo: string): Promise<string[]> {
    if (!/^\d{1,19}$/.test(upTo)) return [];
    const rows = await this.db
      .selectFrom('messages')
      .select('external_id')
      .where('tenant_id', '=', tenantId)
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'in')
      .where('status', '=', 'read')
      .where('id', '<=', upTo)
      .where('external_id', 'like', `${externalId.replace(/[\\%_]/g, '\\$&')}:%`)
      .orderBy('id', 'desc')
      .limit(50)
      .execute();
    return rows.map((r) => r.external_id!.slice(externalId.length + 1));
  }

  private async agentName(userId: string | null): Promise<string | null> {
    if (!userId) return null;
    const row = await this.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
    return row?.name ?? null;
  }
}
