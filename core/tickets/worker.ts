import type { Consumer, Delivery } from '../bus/bus.js';
import type { Context } from '../context.js';
import type { MessageView } from '../domain/events.js';
import type { EventEnvelope } from '../outbox/outbox.js';
import { conversationsWithTickets, customerReplied } from './inbound.js';
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
    this.consumer = await this.ctx.bus.consumeBatch(
      CUSTOMER_REPLIES_QUEUE,
      async (deliveries) => {
        const replies: { delivery: Delivery; tenantId: string; message: MessageView }[] = [];
        for (const delivery of deliveries) {
          const envelope = delivery.json<EventEnvelope>();
          const message = envelope.payload.message as MessageView | undefined;
          if (envelope.tenantId && message && message.direction === 'in' && !message.private) replies.push({ delivery, tenantId: envelope.tenantId, message });
        }
        // Most customers' messages follow no ticket: one query for the batch finds those that may.
        const followed = await conversationsWithTickets(
          this.ctx.database.db,
          replies.map((r) => ({ tenantId: r.tenantId, conversationId: r.message.conversationId })),
        );
        const failed: { delivery: Delivery; error: unknown }[] = [];
        let landedAny = false;
        for (const { delivery, tenantId, message } of replies) {
          if (!followed.has(message.conversationId)) continue;
          try {
            if ((await customerReplied(this.ctx.database.db, tenantId, message, this.clock())).length) landedAny = true;
          } catch (error) {
            failed.push({ delivery, error });
          }
        }
        if (landedAny) this.ctx.relay.poke();
        return failed.length ? { failed } : undefined;
      },
      { prefetch: 100, batchSize: 50, maxWaitMs: 20 },
    );
    this.timers.start();
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
    await this.timers.stop();
  }
}
