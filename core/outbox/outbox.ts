import { sql, type Transaction } from 'kysely';
import type { Bus, ExchangeName, Headers } from '../bus/bus.js';
import { bundle, chunkBundles, type BundlePart } from '../bus/bundles.js';
import type { Db } from '../db/database.js';
import { keepPlan } from '../db/keep-plan.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../log/logger.js';

export interface DomainEvent {
  /** null for events about the installation rather than one company. */
  tenantId: string | null;
  /** Dotted, e.g. `conversation.assigned`; the bus routing key is `<tenant>.<kind>`. */
  kind: string;
  payload: Record<string, unknown>;
}

/** The event envelope as it travels on the `events` exchange. */
export interface EventEnvelope {
  id: string;
  tenantId: string | null;
  kind: string;
  payload: Record<string, unknown>;
  at: string;
}

export const eventRoutingKey = (tenantId: string | null, kind: string) => `${tenantId ?? 'system'}.${kind}`;

/**
 * Writes events in the caller's transaction, beside the state they describe: both commit or
 * neither does. The relay publishes them afterwards.
 */
export async function recordEvents(trx: Transaction<Database> | Db, events: DomainEvent[]): Promise<void> {
  if (events.length === 0) return;
  await trx
    .insertInto('outbox')
    .values(events.map((e) => ({ tenant_id: e.tenantId, kind: e.kind, payload: JSON.stringify(e.payload) })))
    .execute();
}

/**
 * Writes a message for another exchange (a reply for `outbound`, say) in the caller's
 * transaction: it is published once the transaction commits, exactly like an event.
 */
export async function recordMessage(
  trx: Transaction<Database> | Db,
  message: { tenantId: string | null; exchange: 'outbound' | 'inbound'; routingKey: string; kind: string; body: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('outbox')
    .values({
      tenant_id: message.tenantId,
      exchange: message.exchange,
      routing_key: message.routingKey,
      kind: message.kind,
      payload: JSON.stringify(message.body),
    })
    .execute();
}

interface OutboxRow {
  id: string;
  tenant_id: string | null;
  exchange: ExchangeName;
  routing_key: string | null;
  kind: string;
  /** The payload's JSON text, as stored. */
  payload: string;
  created_at: Date;
}

interface OutgoingMessage {
  exchange: ExchangeName;
  routingKey: string;
  body: Buffer;
  messageId: string;
  headers: Headers;
}

export interface OutboxRelayOptions {
  batchSize?: number;
  /** How often it looks when nobody pokes it. */
  pollMs?: number;
  /** Published rows older than this are deleted. */
  keepMs?: number;
  logger?: Logger;
}

/**
 * Publishes committed events, oldest first, and marks them sent in the same transaction that
 * locked them (FOR UPDATE SKIP LOCKED: several relays share the work). A crash after commit and
 * before publish loses nothing: the rows wait. A crash after publish and before the mark
 * publishes again, with the same message id (`outbox-<id>`), for consumers to dedupe: at least
 * once, never zero times. Consecutive events of one routing key go out as a bundle, one broker
 * message, which consumers receive as single events with those ids.
 */
export class OutboxRelay {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private lastCleanup = 0;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly keepMs: number;

  constructor(
    private readonly db: Db,
    private readonly bus: Bus,
    private readonly options: OutboxRelayOptions = {},
  ) {
    this.batchSize = options.batchSize ?? 500;
    this.pollMs = options.pollMs ?? 200;
    this.keepMs = options.keepMs ?? 3_600_000;
  }

  start(): void {
    this.stopped = false;
    this.poke();
  }

  /** Asks for a pass now, e.g. right after a commit that wrote events. */
  poke(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.drain()
      .then(() => undefined)
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.poke();
        } else {
          this.timer = setTimeout(() => this.poke(), this.pollMs);
        }
      });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Publishes until nothing is pending; returns how many it published. */
  async drain(): Promise<number> {
    let total = 0;
    try {
      for (;;) {
        const published = await this.publishBatch();
        total += published;
        if (published < this.batchSize) break;
      }
      if (Date.now() - this.lastCleanup > 60_000) await this.cleanup();
    } catch (error) {
      this.options.logger?.warn({ err: error instanceof Error ? error.message : String(error) }, 'outbox relay pass failed; will retry');
    }
    return total;
  }

  private async publishBatch(): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        // The payload as the JSON text it is stored as: published as it is, not parsed and written again.
        .select(['id', 'tenant_id', 'exchange', 'routing_key', 'kind', sql<string>`payload::text`.as('payload'), 'created_at'])
        .where('published_at', 'is', null)
        .orderBy('id')
        .limit(this.batchSize)
        .forUpdate()
        .skipLocked()
        // Every process asks it five times a second and after each batch: its plan is kept.
        .modifyEnd(keepPlan)
        .execute();
      if (rows.length === 0) return 0;
      await Promise.all(
        this.messagesOf(rows).map((m) => this.bus.publish(m.exchange, m.routingKey, m.body, { messageId: m.messageId, headers: m.headers, json: true })),
      );
      await trx
        .updateTable('outbox')
        .set({ published_at: sql`now()` })
        .where(
          'id',
          'in',
          rows.map((r) => r.id),
        )
        .execute();
      return rows.length;
    });
  }

  /**
   * What a pass publishes, in the rows' order: each message for another exchange on its own; a
   * run of events with one routing key together, as bundles (see core/bus/bundles.ts), so a
   * burst of events costs the broker and every queue bound to them one message per run rather
   * than one per event. Nothing is moved past another row: a batch writes its events grouped by
   * step (the customers made, the conversations, the messages, the assignments), so its runs are
   * long, and every consumer still sees a company's events in the order they were written.
   */
  private messagesOf(rows: OutboxRow[]): OutgoingMessage[] {
    // In publishing order: a message, or a run of events of one routing key.
    const slots: (OutgoingMessage | { routingKey: string; events: (BundlePart & { id: string })[] })[] = [];
    for (const row of rows) {
      const messageId = `outbox-${row.id}`;
      if (row.exchange !== 'events') {
        slots.push({ exchange: row.exchange, routingKey: row.routing_key ?? '', body: Buffer.from(row.payload), messageId, headers: { kind: row.kind } });
        continue;
      }
      const routingKey = eventRoutingKey(row.tenant_id, row.kind);
      const last = slots.at(-1);
      const run = last && 'events' in last && last.routingKey === routingKey ? last : undefined;
      // An EventEnvelope, written around the stored payload text.
      const body = `{"id":${JSON.stringify(row.id)},"tenantId":${JSON.stringify(row.tenant_id)},"kind":${JSON.stringify(row.kind)},"payload":${row.payload},"at":"${new Date(row.created_at).toISOString()}"}`;
      if (run) run.events.push({ id: row.id, messageId, body });
      else slots.push({ routingKey, events: [{ id: row.id, messageId, body }] });
    }
    return slots.flatMap((slot) =>
      !('events' in slot)
        ? [slot]
        : chunkBundles(slot.events).map((events) => ({
            exchange: 'events' as const,
            routingKey: slot.routingKey,
            ...bundle(events, `outbox-${events[0]!.id}-${events.at(-1)!.id}`),
          })),
    );
  }

  private async cleanup(): Promise<void> {
    this.lastCleanup = Date.now();
    await this.db
      .deleteFrom('outbox')
      .where('published_at', '<', new Date(Date.now() - this.keepMs))
      .execute();
  }
}
