// A router keeps each company's routing set-up between batches and reads it again only when the
// company's routing version moved. Every change made through the console (and any other writer)
// must reach the very next message, in every router process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundPipeline } from '../app/pipeline.js';
import { localTime } from '../core/calendar/business-hours.js';
import { processInbound } from '../router/pipeline/process-batch.js';
import { RoutingConfigCache, routingConfigs } from '../router/rules/config.js';
import { startTestConsole, type ApiClient, type TestConsole } from './support/console.js';
import { buildCompany, type Company } from './support/console-world.js';
import { conversationOf, envelope, type World } from './support/router-world.js';
import { countStatements } from './support/statements.js';

const CONFIG_TABLES = ['routing_rules', 'router_settings', 'business_calendars', 'calendar_holidays'] as const;
const ALL_DAY = Array.from({ length: 7 }, () => [['00:00', '24:00']]);
const NEVER = Array.from({ length: 7 }, () => []);

describe('the routing set-up a router keeps between batches', () => {
  let tc: TestConsole;
  let acme: Company;
  let admin: ApiClient;
  let world: World;
  let sent = 0;
  /** A second router process: its own cache, warmed by its own batches. */
  const otherProcess = new RoutingConfigCache();

  beforeAll(async () => {
    tc = await startTestConsole();
    acme = await buildCompany(tc, 'config-cache');
    admin = acme.clients.admin;
    world = { db: tc.ctx.database.db, tenantId: acme.tenantId, roleId: acme.roles.agent, channelId: acme.channelId, channelType: 'app-api' };
  });
  afterAll(() => tc?.stop());

  /** A new customer's message through one router process; the group its conversation went to. */
  async function groupFor(text: string, cache: RoutingConfigCache = routingConfigs): Promise<string | null> {
    const from = `customer-${++sent}`;
    await world.db.transaction().execute((trx) => processInbound(trx, [envelope(world, { from, text })], { pipeline: inboundPipeline, routingConfigs: cache }));
    return (await conversationOf(world.db, world, from)).group_id;
  }

  /** The group in both router processes, each with its set-up already kept from an earlier batch. */
  async function bothRoute(text: string): Promise<string | null> {
    const here = await groupFor(text);
    expect(await groupFor(text, otherProcess), 'the other router process').toBe(here);
    return here;
  }

  const ok = (answer: { status: number; body: unknown }) => {
    expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
    return answer.body as any;
  };

  it('follows every change of rules, groups, calendars, holidays and settings from the next message on', async () => {
    const { sales, support } = acme.groups;
    // Warm: both processes keep the set-up as it is (no rules, no default group).
    expect(await bothRoute('refund please')).toBeNull();

    // Rules: added, changed, switched off, reordered, deleted.
    const toSales = ok(
      await admin.post('/api/routing-rules', { name: 'Refunds', conditions: [{ type: 'keyword', anyOf: ['refund'] }], actions: { groupId: sales } }),
    );
    expect(await bothRoute('refund please')).toBe(sales);
    ok(await admin.patch(`/api/routing-rules/${toSales.id}`, { actions: { groupId: support } }));
    expect(await bothRoute('refund please')).toBe(support);
    ok(await admin.patch(`/api/routing-rules/${toSales.id}`, { enabled: false }));
    expect(await bothRoute('refund please')).toBeNull();
    ok(await admin.patch(`/api/routing-rules/${toSales.id}`, { enabled: true, actions: { groupId: sales } }));
    const toSupport = ok(
      await admin.post('/api/routing-rules', { name: 'Refunds too', conditions: [{ type: 'keyword', anyOf: ['refund'] }], actions: { groupId: support } }),
    );
    expect(await bothRoute('refund please')).toBe(sales);
    ok(await admin.put('/api/routing-rules/order', { ids: [toSupport.id, toSales.id] }));
    expect(await bothRoute('refund please')).toBe(support);
    ok(await admin.delete(`/api/routing-rules/${toSupport.id}`));
    expect(await bothRoute('refund please')).toBe(sales);

    // The router's settings (no console page: any writer's change counts the same).
    await world.db.insertInto('router_settings').values({ tenant_id: acme.tenantId, default_group_id: support }).execute();
    expect(await bothRoute('hello')).toBe(support);

    // Groups: a new group a rule names is used at once; a deleted one no longer.
    const billing = ok(await admin.post('/api/groups', { name: 'Billing' }));
    ok(await admin.post('/api/routing-rules', { name: 'Invoices', conditions: [{ type: 'keyword', anyOf: ['invoice'] }], actions: { groupId: billing.id } }));
    expect(await bothRoute('my invoice')).toBe(billing.id);
    ok(await admin.delete(`/api/groups/${billing.id}`));
    expect(await bothRoute('my invoice')).toBe(support);

    // A group's calendar, the calendar's hours, its holidays, and the calendar deleted.
    ok(
      await admin.post('/api/routing-rules', {
        name: 'Sales while open',
        conditions: [
          { type: 'keyword', anyOf: ['hours'] },
          { type: 'business_hours', groupId: sales, open: true },
        ],
        actions: { groupId: sales },
      }),
    );
    expect(await bothRoute('opening hours?')).toBe(support);
    const calendar = ok(await admin.post('/api/business-hours', { name: 'All day', timeZone: 'UTC', weeklyHours: ALL_DAY }));
    ok(await admin.patch(`/api/groups/${sales}`, { calendarId: calendar.id }));
    expect(await bothRoute('opening hours?')).toBe(sales);
    ok(await admin.put(`/api/business-hours/${calendar.id}/holidays`, { holidays: [{ day: localTime(new Date(), 'UTC').date, name: 'Today' }] }));
    expect(await bothRoute('opening hours?')).toBe(support);
    ok(await admin.put(`/api/business-hours/${calendar.id}/holidays`, { holidays: [] }));
    expect(await bothRoute('opening hours?')).toBe(sales);
    ok(await admin.patch(`/api/business-hours/${calendar.id}`, { weeklyHours: NEVER }));
    expect(await bothRoute('opening hours?')).toBe(support);
    ok(await admin.patch(`/api/business-hours/${calendar.id}`, { weeklyHours: ALL_DAY }));
    expect(await bothRoute('opening hours?')).toBe(sales);
    ok(await admin.delete(`/api/business-hours/${calendar.id}`));
    expect(await bothRoute('opening hours?')).toBe(support);
  });

  it('reads the set-up of a warm batch with no statement of its own, and once after a change', async () => {
    const counted = countStatements(world.db);
    const cache = new RoutingConfigCache();
    const batch = async () => {
      counted.reset();
      const from = `counted-${++sent}`;
      await counted.db
        .transaction()
        .execute((trx) => processInbound(trx, [envelope(world, { from, text: 'refund please' })], { pipeline: inboundPipeline, routingConfigs: cache }));
      return { statements: counted.count(), reading: counted.tables(CONFIG_TABLES).filter((t) => t.length > 0).length };
    };
    const cold = await batch();
    expect(cold.reading).toBe(1);
    const warm = await batch();
    expect(warm.reading).toBe(0);
    expect(warm.statements).toBe(cold.statements - 1);
    expect(await batch()).toEqual(warm);

    ok(await admin.post('/api/routing-rules', { name: 'Counted', conditions: [{ type: 'keyword', anyOf: ['counted'] }], actions: { priority: 1 } }));
    expect(await batch()).toEqual(cold);
    expect(await batch()).toEqual(warm);
  });

  it('keeps at most as many companies as it may, dropping the one used longest ago', async () => {
    const cache = new RoutingConfigCache(2);
    const companies = [acme.tenantId, (await buildCompany(tc, 'config-cache-2')).tenantId, (await buildCompany(tc, 'config-cache-3')).tenantId];
    const counted = countStatements(world.db);
    const read = async (tenantId: string) => {
      counted.reset();
      await counted.db.transaction().execute((trx) => cache.get(trx, tenantId));
      return counted.tables(CONFIG_TABLES).filter((t) => t.length > 0).length;
    };
    expect(await read(companies[0]!)).toBe(1);
    expect(await read(companies[1]!)).toBe(1);
    expect(await read(companies[0]!)).toBe(0);
    expect(await read(companies[2]!)).toBe(1);
    expect(cache.size).toBe(2);
    expect(await read(companies[0]!)).toBe(0);
    expect(await read(companies[1]!)).toBe(1);
  });
});
