import { sql, type Transaction } from 'kysely';
import type { Db } from '../db/database.js';
import type { Database } from '../db/schema.js';
import type { Logger } from '../log/logger.js';
import type { Bus, QueueDefinition } from './bus.js';

type Reader = Db | Transaction<Database>;

export interface TenantBindingsSpec {
  /** The queue, declared with no bindings of its own: they follow the data. */
  queue: QueueDefinition;
  /** Every event kind the queue may want: a kind no company wants is unbound. */
  kinds: readonly string[];
  /** The kinds one company wants now, as `db` sees it (inside a transaction: with its writes). */
  wanted(db: Reader, tenantId: string): Promise<readonly string[]>;
  /** The companies that may want something, for the pass at start. */
  tenants(db: Db): Promise<string[]>;
}

/**
 * An event queue bound per company (`<tenant>.<kind>`) to the kinds that company wants, instead of
 * to every company's events (`*.<kind>`) that its consumer would then drop: a company with no
 * webhooks costs the webhooks queue nothing. The bindings follow the data:
 *
 * - `widen(trx, tenant)` in the transaction that makes a company want more, before it commits:
 *   every event committed after the change is published after its binding exists (nothing is
 *   missed), and a rolled-back change leaves only a binding too many;
 * - `reconcile(tenant)` after the commit: binds what is wanted, unbinds the rest;
 * - `start()` when the consumer starts: reconciles every company that may want something, then
 *   removes the bindings for every company an earlier version made (`*.<kind>`).
 *
 * Both take a transaction-scoped advisory lock per queue and company, so a reconcile reads only
 * committed changes and cannot unbind what a concurrent widen just bound for a change about to
 * commit. A binding too many costs deliveries the consumer drops, as before; one too few would
 * lose events, which the order above rules out.
 */
export class TenantBindings {
  constructor(
    private readonly bus: Bus,
    private readonly db: Db,
    private readonly spec: TenantBindingsSpec,
  ) {}

  get queue(): string {
    return this.spec.queue.name;
  }

  async widen(trx: Transaction<Database>, tenantId: string): Promise<void> {
    await this.lock(trx, tenantId);
    const wanted = await this.spec.wanted(trx, tenantId);
    if (wanted.length === 0) return;
    await this.bus.declareQueue(this.spec.queue);
    for (const kind of wanted) await this.bus.bind(this.queue, binding(tenantId, kind));
  }

  async reconcile(tenantId: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      await this.lock(trx, tenantId);
      const wanted = new Set(await this.spec.wanted(trx, tenantId));
      await this.bus.declareQueue(this.spec.queue);
      for (const kind of this.spec.kinds) {
        if (wanted.has(kind)) await this.bus.bind(this.queue, binding(tenantId, kind));
        else await this.bus.unbind(this.queue, binding(tenantId, kind));
      }
    });
  }

  /**
   * `reconcile` after a commit that already answered for itself: a failure leaves only bindings
   * too many (the next change or start removes them), so it is logged, not thrown.
   */
  async reconcileQuietly(tenantId: string, logger: Pick<Logger, 'warn'>): Promise<void> {
    await this.reconcile(tenantId).catch((error: unknown) =>
      logger.warn(
        { queue: this.queue, tenantId, err: error instanceof Error ? error.message : String(error) },
        'event queue bindings not narrowed; will be at the next change',
      ),
    );
  }

  async start(): Promise<void> {
    await this.bus.declareQueue(this.spec.queue);
    for (const tenantId of await this.spec.tenants(this.db)) await this.reconcile(tenantId);
    // Then what earlier versions bound for every company, now that each company's own are there.
    for (const kind of this.spec.kinds) await this.bus.unbind(this.queue, { exchange: 'events', pattern: `*.${kind}` });
  }

  private async lock(trx: Transaction<Database>, tenantId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${this.queue}), hashtext(${tenantId}))`.execute(trx);
  }
}

const binding = (tenantId: string, kind: string) => ({ exchange: 'events' as const, pattern: `${tenantId}.${kind}` });
