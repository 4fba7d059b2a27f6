import { randomUUID } from 'node:crypto';
import type { WSContext } from 'hono/ws';
import type { BatchFailures } from '../../../core/bus/bus.js';
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
  /** It asked for batches (`?batch=1`): several events of one batch come as one `events` frame. */
  batches?: boolean;
}

/** What the fan-out has done since the process started (for tests and measurements). */
export interface FanOutCounts {
  /** Events taken from the queue. */
  events: number;
  /** Events turned into JSON (once per event, whatever the number of sockets). */
  serialized: number;
  /** WebSocket frames written. */
  frames: number;
  /** Events carried by those frames (one per socket that may see it). */
  deliveries: number;
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
  readonly counts: FanOutCounts = { events: 0, serialized: 0, frames: 0, deliveries: 0 };
  private readonly connections = new Map<string, Set<AgentConnection>>();
  private readonly events: OnDemandQueue;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: Context) {
    this.presence = new Presence(ctx, this.nodeId, ctx.config.console.presenceTimeoutMs);
    this.events = new OnDemandQueue(
      ctx.bus,
      { name: this.queueName, bindings: [{ exchange: 'events', pattern: '#' }], transient: true },
      {
        // A few milliseconds of waiting, which nobody watching a screen notices, let the events of a
        // burst go out together: a socket that asked for batches gets them in one frame.
        batch: async (deliveries) => {
          // A message that is not JSON fails alone; the others of its batch still go out.
          const envelopes: EventEnvelope[] = [];
          const failed: BatchFailures['failed'] = [];
          for (const delivery of deliveries) {
            try {
              envelopes.push(delivery.json<EventEnvelope>());
            } catch (error) {
              failed.push({ delivery, error });
            }
          }
          this.fanOut(envelopes);
          return { failed };
        },
        batchSize: 200,
        maxWaitMs: 5,
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

  /**
   * Sends a batch of events to the sockets whose users may see them. Each event is turned into
   * JSON once, whatever the number of sockets. A socket that asked for batches gets all it may see
   * of the batch in one `{type:"events", events}` frame (one event still comes as `{type:"event"}`),
   * and sockets that see the same events share the frame's text; other sockets get one
   * `{type:"event"}` frame per event, as the feed always sent.
   */
  fanOut(envelopes: EventEnvelope[]): void {
    const counts = this.counts;
    counts.events += envelopes.length;
    const json: string[] = [];
    const single: string[] = [];
    const serialized = (i: number): string => {
      if (json[i] === undefined) {
        json[i] = JSON.stringify(envelopes[i]);
        counts.serialized++;
      }
      return json[i];
    };
    const eventFrame = (i: number): string => (single[i] ??= `{"type":"event","event":${serialized(i)}}`);
    const eventsFrames = new Map<string, string>();
    const eventsFrame = (seen: number[]): string => {
      const key = seen.join(',');
      let text = eventsFrames.get(key);
      if (text === undefined) eventsFrames.set(key, (text = `{"type":"events","events":[${seen.map(serialized).join(',')}]}`));
      return text;
    };
    for (const [tenantId, indices] of byTenant(envelopes)) {
      for (const connection of this.connections.get(tenantId) ?? []) {
        const seen = indices.filter((i) => mayReceive(connection.principal, envelopes[i]!));
        if (seen.length === 0) continue;
        counts.deliveries += seen.length;
        if (connection.batches && seen.length > 1) {
          connection.socket.send(eventsFrame(seen));
          counts.frames++;
          continue;
        }
        for (const i of seen) connection.socket.send(eventFrame(i));
        counts.frames += seen.length;
      }
    }
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

/** The positions of a batch's events by company, in order; events without a company go nowhere. */
function byTenant(envelopes: EventEnvelope[]): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  envelopes.forEach((envelope, i) => {
    if (!envelope.tenantId) return;
    let group = groups.get(envelope.tenantId);
    if (!group) groups.set(envelope.tenantId, (group = []));
    group.push(i);
  });
  return groups;
}
