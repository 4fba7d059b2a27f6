import type { Bus, Consumer } from '../core/bus/bus.js';
import type { Db } from '../core/db/database.js';
import type { PeriodicTask } from '../core/jobs/runner.js';
import type { Logger } from '../core/log/logger.js';
import type { EventEnvelope } from '../core/outbox/outbox.js';
import { ticketTimes } from '../tickets/part.js';
import type { RollupName } from './rollup/daily.js';
import { applyIncrements, incrementsDue, rowsWaiting } from './rollup/increments.js';
import { refreshHours } from './rollup/refresh.js';
import { HOUR_MS, hourOf, reportDb } from './schema.js';

export const REPORTS_QUEUE = 'reports.events';

/**
 * The events whose hours a refresh recomputes: agents' status, calls, survey answers, tickets.
 * Messages and conversation changes are added from their rows, found by the marks whatever event
 * announced them: their events are not taken (they were, as mere wake-ups, 1.6 deliveries per
 * message); a look at the marks every `pollMs`, a periodic task on the process's job runner
 * (`incrementsTask`), finds their rows instead.
 */
const BINDINGS = ['*.agent.status', '*.call.ended', '*.csat.answered', '*.ticket.*'];
/** What earlier versions bound the durable queue to as well: removed at start. */
const FORMER_BINDINGS = ['*.conversation.*', '*.message.created'];

/** The raw rows an event stands for may carry a time a little off the event's (clock_timestamp): both neighbours' hours are refreshed. */
const SLACK_MS = 60_000;

/**
 * The rollup whose hours an event's kind makes recompute. Messages and conversation changes are
 * in none: their rows are added (rollup/increments.ts), whatever event announced them.
 */
function recomputedBy(kind: string): RollupName | undefined {
  if (kind === 'agent.status') return 'agent_states';
  if (kind === 'call.ended') return 'calls';
  if (kind === 'csat.answered') return 'csat';
  if (kind.startsWith('ticket.')) return 'tickets';
  return undefined;
}

/**
 * Keeps the rollups current. A refresh adds the messages and conversation history rows written
 * since the last one to the rollups (each once, however it was found: rollup/increments.ts), so a
 * message costs the same whatever its hour already holds, and recomputes from their raw tables
 * the hours that agents' status changes, calls, survey answers and tickets touched (the same
 * code as the full rebuild, so both agree; recomputing is idempotent). A refresh runs `flushMs`
 * after such an event, and within `pollMs` of rows to add (messages and conversation changes
 * bring no event: a look at the marks finds them). An event is acknowledged only after the
 * refresh; a failed one is retried. Rows written after a refresh's snapshot are added by the
 * next one, which comes without an event when nothing else brings one.
 */
export class ReportsConsumer {
  private consumer: Consumer | undefined;
  private pending = new Map<string, Map<RollupName, Set<number>>>();
  /** Rows were left for later by the last refresh (see `flush`). */
  private behind = false;
  private waiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  /** How long the last refresh took: the next waits at least twice that (see `schedule`). */
  private lastFlushMs = 0;
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; bus: Bus; logger: Logger },
    private readonly options: { flushMs?: number; pollMs?: number } = {},
  ) {}

  async start(): Promise<void> {
    await this.deps.bus.declareQueue({
      name: REPORTS_QUEUE,
      bindings: BINDINGS.map((pattern) => ({ exchange: 'events' as const, pattern })),
      singleActiveConsumer: true,
      retry: { attempts: 8, baseDelayMs: 500 },
    });
    for (const pattern of FORMER_BINDINGS) await this.deps.bus.unbind(REPORTS_QUEUE, { exchange: 'events', pattern });
    // Every event waits for the next refresh before it is acknowledged: the prefetch is how many
    // one refresh can take in (an import brings three events per message).
    this.consumer = await this.deps.bus.consume(REPORTS_QUEUE, (delivery) => this.handle(delivery.json<EventEnvelope>()), { prefetch: 5000 });
    // Rows written while no consumer ran (or whose events were acknowledged before they were added).
    this.behind = true;
    this.schedule();
  }

  /**
   * The look at the marks, for the process's job runner to run every `pollMs` (1 s): the runner
   * is the one poller of a process, stopped before the modules are.
   */
  incrementsTask(): PeriodicTask {
    return {
      name: 'reports.increments',
      everyMs: this.options.pollMs ?? 1000,
      run: async () => {
        await this.poll();
        return 0;
      },
    };
  }

  async stop(): Promise<void> {
    await this.consumer?.close();
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flush();
  }

  /**
   * Messages and conversation changes bring no event: a look at the marks (an index entry per
   * source) says whether a refresh has rows to add. Any process with the reports may add them:
   * the marks are locked while they move.
   */
  private async poll(): Promise<void> {
    if (this.stopped || this.timer || this.flushing || this.behind) return;
    try {
      if (!(await incrementsDue(this.deps.db))) return;
    } catch (error) {
      this.deps.logger.warn({ err: error instanceof Error ? error.message : String(error) }, 'report increments not looked at; trying again');
      return;
    }
    this.behind = true;
    this.schedule();
  }

  /** Marks what one event touched and resolves once it is refreshed. */
  async handle(envelope: EventEnvelope): Promise<void> {
    if (!envelope.tenantId) return;
    const rollup = recomputedBy(envelope.kind);
    if (rollup) {
      const hours = await this.hoursOf(envelope);
      let byRollup = this.pending.get(envelope.tenantId);
      if (!byRollup) this.pending.set(envelope.tenantId, (byRollup = new Map()));
      let set = byRollup.get(rollup);
      if (!set) byRollup.set(rollup, (set = new Set()));
      for (const h of hours) set.add(h);
    }
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
    if (this.stopped || this.timer || this.flushing || (this.waiters.length === 0 && !this.behind)) return;
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

  /** Adds the rows written since the last time, and recomputes the hours marked so far. */
  async flush(): Promise<void> {
    const pending = this.pending;
    const waiters = this.waiters;
    this.pending = new Map();
    this.waiters = [];
    this.behind = false;
    try {
      await applyIncrements(this.deps.db);
      for (const [tenantId, byRollup] of pending) for (const [rollup, hours] of byRollup) await refreshHours(this.deps.db, tenantId, hours, [rollup]);
      for (const w of waiters) w.resolve();
      // Rows written after this refresh's snapshot: the next one comes for them even if no event does.
      this.behind = await rowsWaiting(this.deps.db);
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
        const ticket = await ticketTimes(this.deps.db, envelope.tenantId!, id);
        if (ticket) for (const at of [ticket.createdAt, ticket.solvedAt]) if (at) hours.add(hourOf(at));
      }
    }
    return [...hours];
  }
}
