import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localTime } from '../core/calendar/business-hours.js';
import { busFactories } from './support/services.js';
import { startHarness, type Harness } from './support/router-harness.js';
import {
  addAgent,
  addChannel,
  addGroup,
  addRule,
  conversationOf,
  createWorld,
  deliver,
  envelope,
  publishInbound,
  setDefaultGroup,
  waitFor,
} from './support/router-world.js';

const factory = busFactories.find((f) => f.name === 'rabbitmq' && f.available) ?? busFactories[0]!;

describe(`routing rules, through the ${factory.name} bus`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(factory);
  });
  afterAll(() => h?.stop());

  it('sends each message where the first matching rule says, with the default for the rest', async () => {
    const world = await createWorld(h.db, 'rules');
    const emailChannel = await addChannel(world, 'email');
    const everyDay = Array.from({ length: 7 }, () => [['00:00', '24:00']]);
    // Open all day every day, except that today (in Shanghai) is a holiday.
    const holidayCalendar = await h.db
      .insertInto('business_calendars')
      .values({ tenant_id: world.tenantId, name: 'Shanghai', time_zone: 'Asia/Shanghai', weekly_hours: JSON.stringify(everyDay) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await h.db
      .insertInto('calendar_holidays')
      .values({ tenant_id: world.tenantId, calendar_id: holidayCalendar.id, day: localTime(new Date(), 'Asia/Shanghai').date, name: 'holiday' })
      .execute();
    const support = await addGroup(world, 'Support');
    const afterHours = await addGroup(world, 'E-mail desk', { calendar_id: holidayCalendar.id });
    const vip = await addGroup(world, 'VIP');
    const chinese = await addGroup(world, '中文');
    await setDefaultGroup(world, support);
    const supportAgent = await addAgent(world, 'Support', { groups: [support, afterHours] });
    const vipAgent = await addAgent(world, 'VIP agent', { groups: [vip] });
    const chineseAgent = await addAgent(world, 'Chinese agent', { groups: [chinese] });
    const orderExpert = await addAgent(world, 'Order expert', { groups: [support] });

    await addRule(world, 0, [{ type: 'keyword', pattern: '([' }], { groupId: vip }, 'broken rule: skipped');
    await addRule(
      world,
      1,
      [
        { type: 'channel', channelTypes: ['email'] },
        { type: 'business_hours', groupId: afterHours, open: false },
      ],
      {
        groupId: afterHours,
        autoReply: 'We are closed today; we will answer tomorrow.',
      },
    );
    await addRule(world, 2, [{ type: 'contact_attribute', key: 'plan', equals: 'enterprise' }], { groupId: vip, priority: 5 });
    await addRule(world, 3, [{ type: 'keyword', pattern: '\\bORD-\\d{4,}\\b' }], { agentId: orderExpert });
    await addRule(world, 4, [{ type: 'language', in: ['zh'] }], { groupId: chinese });

    const email = { ...world, channelId: emailChannel, channelType: 'email' };
    await publishInbound(h.bus, h.shards, envelope(email, { from: 'mail@example.com', text: 'Hello' }));
    await publishInbound(h.bus, h.shards, envelope(world, { from: 'enterprise', attributes: { plan: 'enterprise' } }));
    await publishInbound(h.bus, h.shards, envelope(world, { from: 'orders', text: 'where is ord-12345?' }));
    await publishInbound(h.bus, h.shards, envelope(world, { from: 'chinese', text: '你好', language: 'zh-CN' }));
    await publishInbound(h.bus, h.shards, envelope(world, { from: 'plain', text: 'hi', language: 'en' }));

    await waitFor(async () => {
      const rows = await h.db.selectFrom('conversations').select('status').where('tenant_id', '=', world.tenantId).execute();
      return rows.length === 5 && rows.every((r) => r.status === 'assigned');
    });
    const mail = await conversationOf(h.db, { ...world, channelId: emailChannel }, 'mail@example.com');
    expect(mail).toMatchObject({ group_id: afterHours, assignee_id: supportAgent });
    const reply = await h.db.selectFrom('messages').selectAll().where('conversation_id', '=', mail.id).where('direction', '=', 'out').executeTakeFirstOrThrow();
    expect(reply).toMatchObject({ sender_type: 'system', content: [{ type: 'text', text: 'We are closed today; we will answer tomorrow.' }] });
    expect(await conversationOf(h.db, world, 'enterprise')).toMatchObject({ group_id: vip, priority: 5, assignee_id: vipAgent });
    expect(await conversationOf(h.db, world, 'orders')).toMatchObject({ group_id: support, assignee_id: orderExpert });
    expect(await conversationOf(h.db, world, 'chinese')).toMatchObject({ group_id: chinese, assignee_id: chineseAgent });
    expect(await conversationOf(h.db, world, 'plain')).toMatchObject({ group_id: support, priority: 0 });
    // The reply went out to the e-mail connector through the bus.
    await waitFor(() =>
      h.events.some((e) => e.tenantId === world.tenantId && e.kind === 'message.created' && (e.payload as any).message.senderType === 'system'),
    );
  });

  it('follows a new order of the rules from the next message on', async () => {
    const world = await createWorld(h.db, 'reordered');
    const billing = await addGroup(world, 'Billing');
    const refunds = await addGroup(world, 'Refunds');
    // Both match a refund question; the first in order decides.
    const first = await addRule(world, 10, [{ type: 'keyword', anyOf: ['refund'] }], { groupId: billing }, 'billing');
    const second = await addRule(world, 20, [{ type: 'keyword', anyOf: ['refund'] }], { groupId: refunds }, 'refunds');
    await deliver(h.db, envelope(world, { from: 'before', text: 'I want a refund' }));
    expect(await conversationOf(h.db, world, 'before')).toMatchObject({ group_id: billing });
    // What PUT /api/routing-rules/order writes: positions 10, 20, … in the order given.
    for (const [index, id] of [second, first].entries())
      await h.db
        .updateTable('routing_rules')
        .set({ position: (index + 1) * 10 })
        .where('id', '=', id)
        .execute();
    await deliver(h.db, envelope(world, { from: 'after', text: 'I want a refund' }));
    expect(await conversationOf(h.db, world, 'after')).toMatchObject({ group_id: refunds });
  });

  it('skips a rule that does not validate and says so, routing by the next ones', async () => {
    const world = await createWorld(h.db, 'bad-rules');
    const group = await addGroup(world, 'Support');
    const vip = await addGroup(world, 'VIP');
    await setDefaultGroup(world, group);
    const bad = await addRule(world, 0, [{ type: 'keyword', pattern: '([' }], { groupId: vip }, 'broken');
    await addRule(world, 1, [{ type: 'weather', is: 'sunny' }], { groupId: vip }, 'unknown condition');
    await addRule(world, 2, [{ type: 'keyword', anyOf: ['gold'] }], { groupId: vip, priority: 3 });
    const outcome = await deliver(h.db, envelope(world, { from: 'gold-member', text: 'gold card' }), envelope(world, { from: 'plain', text: '([' }));
    expect(outcome.invalidRules.map((r) => r.name).sort()).toEqual(['broken', 'unknown condition']);
    expect(outcome.invalidRules.find((r) => r.id === bad)?.problem).toMatch(/regular expression/);
    expect(await conversationOf(h.db, world, 'gold-member')).toMatchObject({ group_id: vip, priority: 3 });
    expect(await conversationOf(h.db, world, 'plain')).toMatchObject({ group_id: group, priority: 0 });
  });
});
