import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InboundEnvelope } from '../../core/domain/messages.js';
import { freshDatabase } from '../../test/support/services.js';
import { addAgent, addGroup, conversationOf, createWorld, deliver, envelope, setDefaultGroup, type World } from '../../test/support/router-world.js';
import { botDb } from './schema.js';

describe('the answer bot in the inbound pipeline', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  let support: string;
  let agent: string;
  const bot = () => botDb(handle.db);
  const say = (from: string, text: string, id?: string) => envelope(world, { from, text, id });
  const session = (conversationId: string) => bot().selectFrom('bot_sessions').selectAll().where('conversation_id', '=', conversationId).executeTakeFirst();
  const turns = (conversationId: string) =>
    bot().selectFrom('bot_turns').selectAll().where('conversation_id', '=', conversationId).orderBy('created_at').execute();
  const eventsOf = async (kind: string, conversationId: string) =>
    (await handle.db.selectFrom('outbox').select('payload').where('tenant_id', '=', world.tenantId).where('kind', '=', kind).orderBy('id').execute())
      .map((r) => r.payload as Record<string, any>)
      .filter((p) => p.conversationId === conversationId || p.conversation?.id === conversationId);
  const notes = (conversationId: string) =>
    handle.db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('private', '=', true)
      .where('sender_type', '=', 'bot')
      .execute();
  const setBot = (
    values: Partial<{ enabled: boolean; max_turns: number; handoff_keywords: string[]; handoff_tags: string[]; hours: 'always' | 'outside_business_hours' }>,
  ) =>
    bot()
      .insertInto('bot_settings')
      .values({ tenant_id: world.tenantId, channel_id: world.channelId, enabled: true, ...values })
      .onConflict((oc) =>
        oc.column('channel_id').doUpdateSet({ enabled: true, max_turns: 3, handoff_keywords: [], handoff_tags: [], hours: 'always', ...values }),
      )
      .execute();

  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'answer-bot-step');
    support = await addGroup(world, 'Support');
    await setDefaultGroup(world, support);
    agent = await addAgent(world, 'Li', { groups: [support], capacity: { chat: 50 } });
    await setBot({});
  });
  afterAll(() => handle?.drop());

  it('takes a new conversation out of routing: a session, a pending turn and a bot.turn event', async () => {
    await deliver(handle.db, say('ann', 'How do I reset my password?'));
    const conversation = await conversationOf(handle.db, world, 'ann');
    expect(conversation).toMatchObject({ status: 'open', group_id: null, assignee_id: null });
    expect(await session(conversation.id)).toMatchObject({ state: 'active', turns: 1, answered: 0 });
    const [turn] = await turns(conversation.id);
    expect(turn).toMatchObject({ state: 'pending', question: 'How do I reset my password?' });
    expect(await eventsOf('bot.turn', conversation.id)).toEqual([{ conversationId: conversation.id, turnId: turn!.id }]);
  });

  it('a message delivered twice is one turn', async () => {
    const first = say('bea', 'Where is my order?', 'bea-1');
    await deliver(handle.db, first);
    await deliver(handle.db, first);
    const conversation = await conversationOf(handle.db, world, 'bea');
    expect(await turns(conversation.id)).toHaveLength(1);
  });

  it('hands over when the customer asks for a person in words: routed as without the bot, with its summary note', async () => {
    await deliver(handle.db, say('cai', '退货运费谁承担?'));
    const conversation = await conversationOf(handle.db, world, 'cai');
    await deliver(handle.db, say('cai', '转人工'));
    expect(await conversationOf(handle.db, world, 'cai')).toMatchObject({ id: conversation.id, status: 'assigned', assignee_id: agent, group_id: support });
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'customer asked', ended_at: expect.any(Date) });
    expect((await turns(conversation.id)).map((t) => t.state)).toEqual(['skipped']);
    const [note] = await notes(conversation.id);
    expect(JSON.stringify(note!.content)).toContain('退货运费谁承担?');
    expect(JSON.stringify(note!.content)).toContain('客户要求转人工');
    expect(await eventsOf('bot.handed_over', conversation.id)).toEqual([{ conversationId: conversation.id, reason: 'customer asked' }]);

    // The bot has no more say: another message is no turn, and the conversation is not routed again.
    await deliver(handle.db, say('cai', 'hello?'));
    expect(await turns(conversation.id)).toHaveLength(1);
    expect(await eventsOf('conversation.assigned', conversation.id)).toHaveLength(1);
  });

  it('hands over on the web chat’s "talk to a person" control', async () => {
    await deliver(handle.db, say('dan', 'Can I pay by invoice?'));
    const conversation = await conversationOf(handle.db, world, 'dan');
    const control: InboundEnvelope = say('dan', '');
    control.message.parts = [{ type: 'event', name: 'handoff.requested', data: { via: 'widget' } }];
    await deliver(handle.db, control);
    expect(await conversationOf(handle.db, world, 'dan')).toMatchObject({ status: 'assigned', assignee_id: agent });
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'customer asked' });
  });

  it('hands over after as many turns as the channel allows', async () => {
    await setBot({ max_turns: 2 });
    try {
      await deliver(handle.db, say('eve', 'first question'));
      await deliver(handle.db, say('eve', 'second question'));
      const conversation = await conversationOf(handle.db, world, 'eve');
      expect(conversation.status).toBe('open');
      await deliver(handle.db, say('eve', 'third question'));
      expect(await conversationOf(handle.db, world, 'eve')).toMatchObject({ status: 'assigned', assignee_id: agent });
      expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'max turns', turns: 2 });
      const [note] = await notes(conversation.id);
      expect(JSON.stringify(note!.content)).toContain('second question');
    } finally {
      await setBot({});
    }
  });

  it('takes and hands over within one batch', async () => {
    await deliver(handle.db, say('fay', 'What are your opening hours?'), say('fay', 'human please'));
    const conversation = await conversationOf(handle.db, world, 'fay');
    expect(conversation).toMatchObject({ status: 'assigned', assignee_id: agent });
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'customer asked' });
    expect(await eventsOf('bot.turn', conversation.id)).toEqual([]);
  });

  it('keeps a conversation it did not take with people for the rest of the batch', async () => {
    await deliver(handle.db, say('nia', 'agent please'), say('nia', 'How do I reset my password?'));
    const conversation = await conversationOf(handle.db, world, 'nia');
    expect(conversation).toMatchObject({ status: 'assigned', assignee_id: agent });
    expect(await session(conversation.id)).toBeUndefined();
  });

  it('sends a contact with a handover tag (VIP) and a first message with a handover keyword straight to people', async () => {
    await setBot({ handoff_tags: ['VIP'], handoff_keywords: ['投诉'] });
    try {
      const contact = await handle.db
        .insertInto('contacts')
        .values({ tenant_id: world.tenantId, name: 'Gus', tags: ['VIP'] })
        .returning('id')
        .executeTakeFirstOrThrow();
      await handle.db
        .insertInto('contact_identities')
        .values({ tenant_id: world.tenantId, contact_id: contact.id, channel_id: world.channelId, external_id: 'gus', display_name: 'Gus' })
        .execute();
      await deliver(handle.db, say('gus', 'How do I reset my password?'), say('hal', '我要投诉'));
      for (const customer of ['gus', 'hal']) {
        const conversation = await conversationOf(handle.db, world, customer);
        expect(conversation).toMatchObject({ status: 'assigned', assignee_id: agent });
        expect(await session(conversation.id)).toBeUndefined();
      }
    } finally {
      await setBot({});
    }
  });

  it('leaves a channel whose bot is off alone', async () => {
    await setBot({ enabled: false });
    try {
      await deliver(handle.db, say('ivy', 'How do I reset my password?'));
      const conversation = await conversationOf(handle.db, world, 'ivy');
      expect(conversation).toMatchObject({ status: 'assigned', assignee_id: agent });
      expect(await session(conversation.id)).toBeUndefined();
    } finally {
      await setBot({});
    }
  });

  it('resolves the conversation when the customer says it is solved right after an answer', async () => {
    await deliver(handle.db, say('jon', 'How do I reset my password?'));
    const conversation = await conversationOf(handle.db, world, 'jon');
    // "thanks" before any answer is a message like another.
    await bot().updateTable('bot_turns').set({ state: 'answered' }).where('conversation_id', '=', conversation.id).execute();
    await bot().updateTable('bot_sessions').set({ answered: 1 }).where('conversation_id', '=', conversation.id).execute();
    await deliver(handle.db, say('jon', '好的，谢谢！'));
    expect(await conversationOf(handle.db, world, 'jon')).toMatchObject({ id: conversation.id, status: 'resolved', assignee_id: null });
    expect(await session(conversation.id)).toMatchObject({ state: 'resolved', ended_at: expect.any(Date) });
    expect(await eventsOf('bot.resolved', conversation.id)).toEqual([{ conversationId: conversation.id }]);
    expect(await eventsOf('conversation.resolved', conversation.id)).toHaveLength(1);
  });

  it('stops when an agent took the conversation meanwhile', async () => {
    await deliver(handle.db, say('kim', 'Do you ship abroad?'));
    const conversation = await conversationOf(handle.db, world, 'kim');
    await handle.db.updateTable('conversations').set({ status: 'assigned', assignee_id: agent, group_id: support }).where('id', '=', conversation.id).execute();
    await deliver(handle.db, say('kim', 'And to Japan?'));
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'agent took over' });
    expect(await turns(conversation.id)).toHaveLength(1);
    expect(await notes(conversation.id)).toEqual([]);
  });

  it('answers only while the company is closed when told so, by the default group’s calendar', async () => {
    const week = (hours: [string, string][]) => JSON.stringify(Array.from({ length: 7 }, () => hours));
    const calendar = await handle.db
      .insertInto('business_calendars')
      .values({ tenant_id: world.tenantId, name: 'Office', time_zone: 'Asia/Shanghai', weekly_hours: week([['00:00', '24:00']]) })
      .returning('id')
      .executeTakeFirstOrThrow();
    await handle.db.updateTable('groups').set({ calendar_id: calendar.id }).where('id', '=', support).execute();
    await setBot({ hours: 'outside_business_hours' });
    try {
      await deliver(handle.db, say('lea', 'How do I reset my password?'));
      expect(await conversationOf(handle.db, world, 'lea')).toMatchObject({ status: 'assigned', assignee_id: agent });
      await handle.db
        .updateTable('business_calendars')
        .set({ weekly_hours: week([]) })
        .where('id', '=', calendar.id)
        .execute();
      await deliver(handle.db, say('max', 'How do I reset my password?'));
      const closed = await conversationOf(handle.db, world, 'max');
      expect(closed).toMatchObject({ status: 'open', assignee_id: null });
      expect(await session(closed.id)).toMatchObject({ state: 'active' });
    } finally {
      await setBot({});
      await handle.db.updateTable('groups').set({ calendar_id: null }).where('id', '=', support).execute();
    }
  });
});
