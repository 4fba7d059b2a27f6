import { sql } from 'kysely';
import { expect, it, vi } from 'vitest';
import { describeOnEachBus } from '../test/support/event-queue-world.js';
import { countStatements } from '../test/support/statements.js';
import { WEBHOOKS_QUEUE, webhookBindings } from './fan-out.js';

/**
 * The webhooks queue takes only the events some company's webhook subscribes to: a company
 * without webhooks, or a kind none of its webhooks wants, costs the broker no delivery to it.
 */
describeOnEachBus('the webhooks queue bindings', { queue: WEBHOOKS_QUEUE, pg: true }, (world) => {
  const hookValues = (tenantId: string, events: string[]) => ({
    tenant_id: tenantId,
    name: 'CRM',
    url: 'https://crm.example.com/hooks',
    events,
    secret: 'sealed',
  });
  /** What the queue holds after the given events, emptied before and after. */
  const queuedAfter = async (events: [string, string][]) => {
    const { db, bus } = world;
    await bus.deleteQueue(WEBHOOKS_QUEUE).catch(() => {});
    await webhookBindings({ db, bus }).start();
    const marker = await world.company();
    await db
      .insertInto('company_webhooks')
      .values(hookValues(marker, ['contact.merged']))
      .execute();
    await webhookBindings({ db, bus }).reconcile(marker);
    for (const [tenantId, kind] of events) await world.publish(tenantId, kind);
    // A last event that is queued: everything published before it has been routed.
    await world.publish(marker, 'contact.merged');
    return (await world.settledDepth(WEBHOOKS_QUEUE, 1)) - 1;
  };
  /** Whether a transaction of this database waits for an advisory lock. */
  const waitsForLock = async () => {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks
      where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`.execute(world.db);
    return rows[0]!.n > 0;
  };

  it("binds each company to its webhooks' kinds; a company without webhooks sends the queue nothing", async () => {
    const withHooks = await world.company();
    const without = await world.company();
    await world.db
      .insertInto('company_webhooks')
      .values(hookValues(withHooks, ['message.created', 'ticket.created']))
      .execute();
    // The pass at start finds the companies with webhooks.
    const queued = await queuedAfter([
      [withHooks, 'message.created'],
      [withHooks, 'ticket.created'],
      [withHooks, 'conversation.assigned'],
      [without, 'message.created'],
      [without, 'ticket.created'],
    ]);
    expect(queued).toBe(2);
  });

  it('removes the bindings for every company that earlier versions made, once each company has its own', async () => {
    const { db, bus } = world;
    const withHooks = await world.company();
    const without = await world.company();
    await db
      .insertInto('company_webhooks')
      .values(hookValues(withHooks, ['message.created']))
      .execute();
    await bus.deleteQueue(WEBHOOKS_QUEUE).catch(() => {});
    await bus.declareQueue({
      name: WEBHOOKS_QUEUE,
      bindings: [{ exchange: 'events', pattern: '*.message.created' }],
      retry: { attempts: 8, baseDelayMs: 500 },
    });
    await webhookBindings({ db, bus }).start();
    for (const tenantId of [withHooks, without]) await world.publish(tenantId, 'message.created');
    expect(await world.settledDepth(WEBHOOKS_QUEUE, 1)).toBe(1);
  });

  it('binds a new subscription before it commits, keeps kinds another webhook still wants, and unbinds the rest after a delete', async () => {
    const { db, bus } = world;
    const tenantId = await world.company();
    await bus.deleteQueue(WEBHOOKS_QUEUE).catch(() => {});
    const bindings = webhookBindings({ db, bus });
    await bindings.start();
    const [first, second] = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .insertInto('company_webhooks')
        .values([hookValues(tenantId, ['message.created', 'contact.created']), hookValues(tenantId, ['message.created'])])
        .returning('id')
        .execute();
      await bindings.widen(trx, tenantId);
      // Not committed yet, and already bound: an event committed after this one cannot be missed.
      await world.publish(tenantId, 'contact.created');
      expect(await world.settledDepth(WEBHOOKS_QUEUE, 1)).toBe(1);
      return rows.map((r) => r.id);
    });
    await bindings.reconcile(tenantId);
    await db.deleteFrom('company_webhooks').where('id', '=', first!).execute();
    await bindings.reconcile(tenantId);
    await world.publish(tenantId, 'contact.created');
    await world.publish(tenantId, 'message.created');
    // The second webhook keeps message.created; nobody wants contact.created any more.
    expect(await world.settledDepth(WEBHOOKS_QUEUE, 2)).toBe(2);
    await db.deleteFrom('company_webhooks').where('id', '=', second!).execute();
    await bindings.reconcile(tenantId);
    await world.publish(tenantId, 'message.created');
    expect(await world.settledDepth(WEBHOOKS_QUEUE, 2)).toBe(2);
  });

  it('binds 200 companies at start in a few statements, and unbinds the kinds a company stopped wanting while no process ran', async () => {
    const { db, bus } = world;
    await bus.deleteQueue(WEBHOOKS_QUEUE).catch(() => {});
    await db.deleteFrom('company_webhooks').execute();
    const withHooks: string[] = [];
    const without: string[] = [];
    for (let i = 0; i < 200; i++) (i % 2 ? without : withHooks).push(await world.company());
    await db
      .insertInto('company_webhooks')
      .values(withHooks.map((tenantId) => hookValues(tenantId, ['message.created'])))
      .execute();
    // One company wanted tickets too until its webhook changed while no process ran.
    const narrowed = withHooks[0]!;
    await bus.declareQueue({ name: WEBHOOKS_QUEUE, bindings: [{ exchange: 'events', pattern: `${narrowed}.ticket.created` }] });

    const counted = countStatements(db);
    const transactions = vi.spyOn(counted.db, 'transaction');
    await webhookBindings({ db: counted.db, bus }).start();
    // One read of every company, then a lock and a read per hundred that want only some kinds (here 100).
    expect(counted.count()).toBeLessThanOrEqual(5);
    expect(transactions.mock.calls.length).toBeLessThanOrEqual(2);

    for (const tenantId of [...withHooks, ...without]) await world.publish(tenantId, 'message.created');
    await world.publish(narrowed, 'ticket.created');
    expect(await world.settledDepth(WEBHOOKS_QUEUE, withHooks.length)).toBe(withHooks.length);
  });

  it('never unbinds at start what a change about to commit has just bound', async () => {
    const { db, bus } = world;
    await bus.deleteQueue(WEBHOOKS_QUEUE).catch(() => {});
    const tenantId = await world.company();
    await db
      .insertInto('company_webhooks')
      .values(hookValues(tenantId, ['message.created']))
      .execute();
    const bindings = webhookBindings({ db, bus });
    let started: Promise<void> | undefined;
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('company_webhooks')
        .values(hookValues(tenantId, ['ticket.created']))
        .execute();
      await bindings.widen(trx, tenantId);
      // The pass at start reads the company before this change commits: it must wait for it before it unbinds.
      let done = false;
      started = bindings.start().finally(() => (done = true));
      while (!done && !(await waitsForLock())) await new Promise((r) => setTimeout(r, 20));
    });
    await started;
    await world.publish(tenantId, 'ticket.created');
    expect(await world.settledDepth(WEBHOOKS_QUEUE, 1)).toBe(1);
  });
});
