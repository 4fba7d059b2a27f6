import type { Bus, Consumer, Delivery } from '../core/bus/bus.js';
import { TenantBindings } from '../core/bus/tenant-bindings.js';
import type { Context } from '../core/context.js';
import type { Db } from '../core/db/database.js';
import type { MessageView } from '../core/domain/events.js';
import type { EventEnvelope } from '../core/outbox/outbox.js';
import { conversationsWithTickets, customerReplied } from './inbound.js';
import { systemClock, type Clock } from './model.js';

export const CUSTOMER_REPLIES_QUEUE = 'tickets.customer-replies';

/**
 * The customer-replies queue takes `message.created` only from companies that have a ticket: a
 * company that does not use tickets has no reply to land on one, and its messages no longer reach
 * the queue to be dropped there. The ticket route binds the company in the transaction that makes
 * its first ticket (a ticket's later e-mail conversation belongs to a company already bound); the
 * durable binding stays, and the worker's start binds again every company with a ticket.
 */
export function customerRepliesBindings(deps: { db: Db; bus: Bus }): TenantBindings {
  return new TenantBindings(deps.bus, deps.db, {
    queue: { name: CUSTOMER_REPLIES_QUEUE, bindings: [], retry: { attempts: 5, baseDelayMs: 1000 } },
    kinds: ['message.created'],
    wanted: async (db, tenantId) =>
      (await db.selectFrom('tickets').select('id').where('tenant_id', '=', tenantId).limit(1).executeTakeFirst()) ? ['message.created'] : [],
    wantedByTenant: async (db, among) => {
      let query = db.selectFrom('tickets').select('tenant_id').distinct();
      if (among) query = query.where('tenant_id', 'in', among);
      return new Map((await query.execute()).map((r) => [r.tenant_id, ['message.created']]));
    },
  });
}

/**
 * The tickets' consumer in a running process: customers' messages (from the `events` exchange, a
 * durable queue shared by every process) onto their tickets; the SLA timers and time rules run on
 * the process's job runner (`registerTicketTimers` in ./timers.ts). Delivery is at least once; a message lands on a ticket once (unique per message).
 */
export class TicketWorker {
  private consumer: Consumer | undefined;

  constructor(
    private readonly ctx: Pick<Context, 'database' | 'bus' | 'relay' | 'logger'>,
    private readonly clock: Clock = systemClock,
  ) {}

  async start(): Promise<void> {
    await customerRepliesBindings({ db: this.ctx.database.db, bus: this.ctx.bus }).start();
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
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
  }
}
