import { randomUUID } from 'node:crypto';
import type { WSContext } from 'hono/ws';
import { OnDemandQueue } from '../../../core/bus/on-demand-queue.js';
import type { Context } from '../../../core/context.js';
import { loadPrincipal, type Principal } from '../../../core/auth/permissions.js';
import type { EventEnvelope } from '../../../core/outbox/outbox.js';
import { mayReceive } from './event-visibility.js';
import { Presence } from './presence.js';

export interface AgentConnection {
  id: string;
  tenantId: string;
  principal: Principal;
  /** The session or API token it was opened with: when that ends, so does the socket. */
  credential: { sessionId?: string; tokenId?: string };
  socket: WSContext;
  lastHeartbeat: number;
}

/** WebSocket close codes the client can act on. */
export const CLOSE_SIGNED_OUT = 4401;
export const CLOSE_SILENT = 4408;

/**
 * Fans the `events` exchange out to this process's agent sockets. Each console process has its
 * own transient queue bound to every event, so any number of processes serve any agent; each
 * event goes only to the sockets whose user may see it. The queue exists only while a socket is
 * open here, and for the presence timeout after the last one closes (a page reload keeps it): a
 * process no agent is connected to receives no events. A socket is told it is ready only once
 * the queue is there, so every event after that reaches it. Heartbeats keep presence and
 * re-check that the user is still signed in with the same rights.
 */
export class RealtimeHub {
  readonly nodeId = randomUUID();
  readonly presence: Presence;
  private readonly connections = new Map<string, Set<AgentConnection>>();
  private readonly events: OnDemandQueue;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Context) {
    this.presence = new Presence(ctx, this.nodeId, ctx.config.console.presenceTimeoutMs);
    this.events = new OnDemandQueue(
      ctx.bus,
      { name: this.queueName, bindings: [{ exchange: 'events', pattern: '#' }], transient: true },
      async (delivery) => {
        this.fanOut(delivery.json<EventEnvelope>());
      },
      { prefetch: 500, idleMs: ctx.config.console.presenceTimeoutMs, logger: ctx.logger },
    );
  }

  /** Whether this process receives events now (a socket is open, or was a moment ago). */
  get subscribed(): boolean {
    return this.events.active;
  }

  get queueName(): string {
    return `console.events.${this.nodeId}`;
  }

  async start(): Promise<void> {
    const every = Math.max(250, Math.floor(this.ctx.config.console.presenceTimeoutMs / 3));
    this.sweeper = setInterval(() => void this.tick(), every);
    this.sweeper.unref();
  }

  async stop(): Promise<void> {
    if (this.sweeper) clearInterval(this.sweeper);
    await this.events.stop();
    for (const set of this.connections.values()) for (const c of set) c.socket.close(1001, 'server stopping');
    this.connections.clear();
  }

  fanOut(envelope: EventEnvelope): number {
    if (!envelope.tenantId) return 0;
    const text = JSON.stringify({ type: 'event', event: envelope });
    let sent = 0;
    for (const connection of this.connections.get(envelope.tenantId) ?? []) {
      if (!mayReceive(connection.principal, envelope)) continue;
      connection.socket.send(text);
      sent++;
    }
    return sent;
  }

  async open(connection: AgentConnection): Promise<void> {
    let set = this.connections.get(connection.tenantId);
    if (!set) this.connections.set(connection.tenantId, (set = new Set()));
    set.add(connection);
    await this.events.want();
    if (await this.presence.connected({ id: connection.id, tenantId: connection.tenantId, userId: connection.principal.userId })) this.ctx.relay.poke();
  }

  async close(connection: AgentConnection): Promise<void> {
    const set = this.connections.get(connection.tenantId);
    if (!set?.delete(connection)) return;
    if (set.size === 0) this.connections.delete(connection.tenantId);
    if (this.connections.size === 0) this.events.release();
    if (await this.presence.disconnected({ id: connection.id, tenantId: connection.tenantId, userId: connection.principal.userId })) this.ctx.relay.poke();
  }

  /** A heartbeat from the client: refresh presence and the user's rights, or close if they are gone. */
  async heartbeat(connection: AgentConnection): Promise<boolean> {
    connection.lastHeartbeat = Date.now();
    if (!(await this.stillSignedIn(connection))) {
      connection.socket.close(CLOSE_SIGNED_OUT, 'signed out');
      await this.close(connection);
      return false;
    }
    await this.presence.heartbeat([connection.id]);
    return true;
  }

  private async stillSignedIn(connection: AgentConnection): Promise<boolean> {
    const db = this.ctx.database.db;
    const { sessionId, tokenId } = connection.credential;
    const live = sessionId
      ? await db.selectFrom('sessions').select('id').where('id', '=', sessionId).where('expires_at', '>', new Date()).executeTakeFirst()
      : await db
          .selectFrom('api_tokens')
          .select('id')
          .where('id', '=', tokenId ?? '')
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
    if (!live) return false;
    const principal = await loadPrincipal(db, connection.tenantId, connection.principal.userId);
    if (!principal) return false;
    // A token's scopes narrow its owner's rights; keep them narrowed.
    connection.principal = tokenId
      ? { ...principal, permissions: new Set([...principal.permissions].filter((p) => connection.principal.permissions.has(p))) }
      : principal;
    return true;
  }

  private async tick(): Promise<void> {
    try {
      const timeout = this.ctx.config.console.presenceTimeoutMs;
      for (const set of [...this.connections.values()]) {
        for (const connection of [...set]) {
          if (Date.now() - connection.lastHeartbeat > timeout) {
            connection.socket.close(CLOSE_SILENT, 'no heartbeat');
            await this.close(connection);
          }
        }
      }
      if (await this.presence.sweep()) this.ctx.relay.poke();
    } catch (error) {
      this.ctx.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'presence sweep failed');
    }
  }

  /** Sockets open on this process (for /metrics and tests). */
  get size(): number {
    let n = 0;
    for (const set of this.connections.values()) n += set.size;
    return n;
  }
}
