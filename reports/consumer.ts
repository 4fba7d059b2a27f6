import type { Bus, Consumer } from '../core/bus/bus.js';
import type { Db } from '../core/db/database.js';
import type { Logger } from '../core/log/logger.js';
import type { EventEnvelope } from '../core/outbox/outbox.js';
import { refreshHours } from './rollup/refresh.js';
import { HOUR_MS, hourOf, reportDb } from './schema.js';

export const REPORTS_QUEUE = 'reports.events';

/** The events that change a report: conversations, messages, agents' status, calls, surveys. */
const BINDINGS = ['*.conversation.*', '*.message.created', '*.agent.status', '*.call.ended', '*.csat.answered', '*.ticket.*'];

/** The raw rows an event stands for may carry a time a little off the event's (clock_timestamp): both neighbours' hours are refreshed. */
const SLACK_MS = 60_000;

/**
 * Keeps the rollups current: each event marks the hours it touched, and every `flushMs` the
 * marked hours of each company are recomputed from the raw tables (the same code as the full
 * rebuild, so both agree). Recomputing is idempotent: an event delivered twice does no harm.
 * A message is acknowledged only after its hours were refreshed; a failed refresh is retried.
 */
export class ReportsConsumer {
  private consumer: Consumer | undefined;
  private pending = new Map<string, Set<number>>();
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** How long the last refresh took: the next waits at least twice that (see `schedule`). */
  private lastFlushMs = 0;
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; bus: Bus; logger: Logger },
    private readonly options: { flushMs?: number } = {},
  ) {}

  async start(): Promise<void> {
    await this.deps.bus.declareQueue({
      name: REPORTS_QUEUE,
      bindings: BINDINGS.map((pattern) => ({ exchange: 'events' as const, pattern })),
      singleActiveConsumer: true,
      retry: { attempts: 8, baseDelayMs: 500 },
    });
    // Every event waits for the next refresh before it is acknowledged: the prefetch is how many
    // one refresh can take in (an import brings three events per message).
    this.consumer = await this.deps.bus.consume(REPORTS_QUEUE, (delivery) => this.handle(delivery.json<EventEnvelope>()), { prefetch: 5000 });
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  /** Marks the hours of one event and resolves once they are refreshed. */
  async handle(envelope: EventEnvelope): Promise<void> {
    if (!envelope.tenantId) return;
    const hours = await this.hoursOf(envelope);
    let set = this.pending.get(envelope.tenantId);
    if (!set) this.pending.set(envelope.tenantId, (set = new Set()));
    for (const h of hours) set.add(h);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.schedule();
    return done;
  }

  /**
   * One refresh at a time, `flushMs` (200 ms) after the first event marked since the last, or
   * twice as long as the last refresh took if that is longer: under a flood of events (a mailbox
   * import) the hours are recomputed less often rather than taking the database's whole time.
   */
  private schedule(): void {
    if (this.stopped || this.timer || this.flushing || this.waiters.length === 0) return;
    const delay = Math.max(this.options.flushMs ?? 200, 2 * this.lastFlushMs);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const started = performance.now();
      this.flushing = this.flush().finally(() => {
        this.lastFlushMs = performance.now() - started;
        this.flushing = undefined;
        this.schedule();
      });
    }, delay);
  }

  /** Refreshes everything marked so far. */
  async flush(): Promise<void> {
    const pending = this.pending;
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    try {
      for (const [tenantId, hours] of pending) await refreshHours(this.deps.db, tenantId, hours);
      for (const w of waiters) w.resolve();
    } catch (error) {
      this.deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'report refresh failed; the events come back');
      for (const w of waiters) w.reject(error);
    }
  }

  private async hoursOf(envelope: EventEnvelope): Promise<number[]> {
    const at = new Date(envelope.at).getTime();
    const hours = new Set([hourOf(at - SLACK_MS), hourOf(at + SLACK_MS)]);
    if (envelope.kind === 'agent.status' && typeof envelope.payload.userId === 'string') {
      // The interval that this change closes began at the agent's previous change.
      const previous = await reportDb(this.deps.db)
        .selectFrom('report_agent_log')
        .select('at')
        .where('tenant_id', '=', envelope.tenantId!)
        .where('agent_id', '=', envelope.payload.userId)
        .where('at', '<', new Date(at))
        .orderBy('at', 'desc')
        .limit(1)
        .executeTakeFirst();
      if (previous) for (let h = hourOf(previous.at); h <= at; h += HOUR_MS) hours.add(h);
    }
    if (envelope.kind.startsWith('ticket.')) {
      // A change to a ticket may move the hours it was created and solved in to another group or agent.
      const p = envelope.payload as { ticket?: { id?: string }; ticketId?: string; targetId?: string };
      const id = p.ticket?.id ?? p.ticketId ?? p.targetId;
      if (typeof id === 'string') {
        const ticket = await this.deps.db
          .selectFrom('tickets')
          .select(['created_at', 'solved_at'])
          .where('tenant_id', '=', envelope.tenantId!)
          .where('id', '=', id)
          .executeTakeFirst();
        if (ticket) for (const at of [ticket.created_at, ticket.solved_at]) if (at) hours.add(hourOf(at));
      }
    }
    return [...hours];
  }
}
