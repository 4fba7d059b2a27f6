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
  /**
   * The kinds each company that wants something wants now, in one query, for the pass at start;
   * only the companies in `among` (never empty) when given.
   */
  wantedByTenant(db: Reader, among?: readonly string[]): Promise<Map<string, readonly string[]>>;
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
 * - `start()` when the consumer starts: binds what every company wants (one query, however many
 *   companies), unbinds what the companies that want only some kinds do not, then removes the
 *   bindings for every company an earlier version made (`*.<kind>`).
 *
 * Each takes a transaction-scoped advisory lock per queue and company before it unbinds, so it
 * reads only committed changes and cannot unbind what a concurrent widen just bound for a change
 * about to commit. A binding too many costs deliveries the consumer drops, as before; one too few
 * would lose events, which the order above rules out.
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

  /**
   * The pass at start: one query for what every company wants, then a transaction per hundred
   * companies that want only some of the kinds (none for most queues). The bus cannot list a
   * queue's bindings, so a company that wants nothing any more is not looked at (its reconcile
   * unbound it; had that failed, a binding too many is left), and a binding made from the first
   * read for a company that stopped wanting it since is one too many as well.
   */
  async start(): Promise<void> {
    await this.bus.declareQueue(this.spec.queue);
    const wanted = await this.spec.wantedByTenant(this.db);
    for (const [tenantId, kinds] of wanted) for (const kind of kinds) await this.bus.bind(this.queue, binding(tenantId, kind));
    const partly = [...wanted].filter(([, kinds]) => this.spec.kinds.some((kind) => !kinds.includes(kind))).map(([tenantId]) => tenantId);
    for (let i = 0; i < partly.length; i += NARROWED_AT_ONCE) await this.narrow(partly.slice(i, i + NARROWED_AT_ONCE));
    // Then what earlier versions bound for every company, now that each company's own are there.
    for (const kind of this.spec.kinds) await this.bus.unbind(this.queue, { exchange: 'events', pattern: `*.${kind}` });
  }

  /**
   * Unbinds the kinds these companies do not want, as a reconcile does but for many at once: with
   * their locks held, so what they want is read after any change being widened has committed.
   */
  private async narrow(tenantIds: readonly string[]): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      // In one order, so two processes starting at once cannot deadlock on each other.
      const ordered = [...tenantIds].sort();
      await sql`select pg_advisory_xact_lock(hashtext(${this.queue}), hashtext(t)) from unnest(${ordered}::text[]) with ordinality as u(t, n) order by n`.execute(
        trx,
      );
      const wanted = await this.spec.wantedByTenant(trx, ordered);
      for (const tenantId of ordered) {
        const kinds = wanted.get(tenantId) ?? [];
        for (const kind of this.spec.kinds) if (!kinds.includes(kind)) await this.bus.unbind(this.queue, binding(tenantId, kind));
      }
    });
  }

  private async lock(trx: Transaction<Database>, tenantId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${this.queue}), hashtext(${tenantId}))`.execute(trx);
  }
}

/**
 * Companies whose locks the pass at start holds at once while it unbinds: their changes wait that
 * long (a few hundred broker calls), and the pass takes a transaction per so many companies.
 */
const NARROWED_AT_ONCE = 100;

/** `wantedByTenant`'s answer from rows of a company and a kind it wants. */
export function kindsByTenant(rows: readonly { tenant_id: string; kind: string }[]): Map<string, string[]> {
  const wanted = new Map<string, string[]>();
  for (const { tenant_id, kind } of rows) {
    const kinds = wanted.get(tenant_id);
    if (kinds) kinds.push(kind);
    else wanted.set(tenant_id, [kind]);
  }
  return wanted;
}

const binding = (tenantId: string, kind: string) => ({ exchange: 'events' as const, pattern: `${tenantId}.${kind}` });
