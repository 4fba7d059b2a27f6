import type { Consumer } from '../bus/bus.js';
import type { Context } from '../context.js';
import type { MessageView } from '../domain/events.js';
import type { EventEnvelope } from '../outbox/outbox.js';
import { customerReplied } from './inbound.js';
import { systemClock, type Clock } from './model.js';
import { TicketTimers } from './timers.js';

export const CUSTOMER_REPLIES_QUEUE = 'tickets.customer-replies';

/**
 * The tickets' background work in a running process: customers' messages (from the `events`
 * exchange, a durable queue shared by every process) onto their tickets, and the SLA timers and
 * time rules. Delivery is at least once; a message lands on a ticket once (unique per message).
 */
export class TicketWorker {
  private consumer: Consumer | undefined;
  readonly timers: TicketTimers;

  constructor(
    private readonly ctx: Pick<Context, 'database' | 'bus' | 'relay' | 'logger'>,
    private readonly clock: Clock = systemClock,
  ) {
    this.timers = new TicketTimers(ctx.database.db, {
      clock,
      onError: (error) => ctx.logger.warn({ err: String(error) }, 'ticket timer failed; will retry'),
      poke: () => ctx.relay.poke(),
    });
  }

  async start(): Promise<void> {
    await this.ctx.bus.declareQueue({ name: CUSTOMER_REPLIES_QUEUE, bindings: [{ exchange: 'events', pattern: '*.message.created' }], retry: { attempts: 5, baseDelayMs: 1000 } });
    this.consumer = await this.ctx.bus.consume(
      CUSTOMER_REPLIES_QUEUE,
      async (delivery) => {
        const envelope = delivery.json<EventEnvelope>();
        const message = envelope.payload.message as MessageView | undefined;
        if (!envelope.tenantId || !message || message.direction !== 'in') return;
        const landed = await customerReplied(this.ctx.database.db, envelope.tenantId, message, this.clock());
        if (landed.length) this.ctx.relay.poke();
      },
      { prefetch: 20 },
    );
    this.timers.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
    await this.timers.stop();
  }
}
