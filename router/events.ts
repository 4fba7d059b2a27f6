import type { Transaction } from 'kysely';
import type { Database } from '../core/db/schema.js';
import { event, type EventKind, type EventPayloads } from '../core/domain/events.js';
import { recordEvents, type DomainEvent } from '../core/outbox/outbox.js';

/**
 * The events one unit of work produces, written to the outbox together just before it commits
 * (one insert for a whole batch rather than one per change).
 */
export class EventLog {
  private readonly pending: DomainEvent[] = [];

  add<K extends EventKind>(tenantId: string, kind: K, payload: EventPayloads[K]): void {
    this.pending.push(event(tenantId, kind, payload));
  }

  /** An event of a feature module's own kind (`bot.turn`, …), written with the rest. */
  record(event: DomainEvent): void {
    this.pending.push(event);
  }

  get size(): number {
    return this.pending.length;
  }

  async flush(trx: Transaction<Database>): Promise<void> {
    const events = this.pending.splice(0);
    await recordEvents(trx, events);
  }
}
