import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../core/outbox/outbox.js';
import { fakeOpenAI, type FakeOpenAI } from '../../test/support/fake-openai.js';
import { startTestConsole, signUp, type TestConsole } from '../../test/support/console.js';
import { addConversation, buildCompany, type Company } from '../../test/support/console-world.js';
import { HandoverSummaries, SUMMARY_HEADING } from './handover.js';

const eventually = async <T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> => {
  const until = Date.now() + ms;
  for (;;) {
    const found = await probe();
    if (found !== undefined) return found;
    if (Date.now() > until) throw new Error('not in time');
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('the summary written when a conversation is transferred or escalated', () => {
  let tc: TestConsole;
  let fake: FakeOpenAI;
  let acme: Company;
  let summaries: HandoverSummaries;
  const db = () => tc.ctx.database.db;
  const notes = (conversationId: string) =>
    db()
      .selectFrom('messages')
      .select(['sender_type', 'private', 'content', 'client_id'])
      .where('conversation_id', '=', conversationId)
      .where('private', '=', true)
      .where('sender_type', '=', 'system')
      .execute();
  const envelopeOf = async (kind: string, match: (payload: any) => boolean): Promise<EventEnvelope> => {
    const rows = await db()
      .selectFrom('outbox')
      .select(['id', 'tenant_id', 'kind', 'payload', 'created_at'])
      .where('kind', '=', kind)
      .orderBy('id', 'desc')
      .execute();
    const row = rows.find((r) => match(r.payload));
    if (!row) throw new Error(`no ${kind} event`);
    return {
      id: String(row.id),
      tenantId: row.tenant_id,
      kind: row.kind,
      payload: row.payload as Record<string, unknown>,
      at: new Date(row.created_at).toISOString(),
    };
  };

  beforeAll(async () => {
    [tc, fake] = await Promise.all([startTestConsole(), fakeOpenAI()]);
    acme = await buildCompany(tc, 'acme');
    await acme.clients.admin.put('/api/assistant/model', { enabled: true, baseUrl: fake.url, model: 'qwen-plus', apiKey: fake.key });
    summaries = new HandoverSummaries(tc.ctx);
    await summaries.start();
  });
  afterAll(async () => {
    await summaries?.stop();
    await tc?.stop();
    await fake?.close();
  });

  it('writes the model’s summary as an internal note when an agent transfers the conversation, once', async () => {
    const { conversationId } = acme.conversations.supportAssigned;
    const agent = acme.clients.supportAgent;
    await agent.post(`/api/conversations/${conversationId}/messages`, { clientId: 'r1', text: 'Could you send me the order number, please?' });
    fake.answer((request) => {
      expect(request.messages[1]?.content).toContain('Customer: acme-supportAssigned-message');
      expect(request.messages[1]?.content).toContain('Agent: Could you send me the order number, please?');
      return '- The customer wrote acme-supportAssigned-message\n- The agent asked for the order number';
    });
    const transferred = await agent.post(`/api/conversations/${conversationId}/transfer`, { to: { queue: true }, note: 'Over to you' });
    expect(transferred.status, JSON.stringify(transferred.body)).toBe(200);
    const [note] = await eventually(async () => {
      const found = await notes(conversationId);
      return found.length ? found : undefined;
    });
    expect(note).toMatchObject({ sender_type: 'system', private: true });
    expect(note!.content).toEqual([
      { type: 'text', text: `${SUMMARY_HEADING}\n- The customer wrote acme-supportAssigned-message\n- The agent asked for the order number` },
    ]);
    const usage = await acme.clients.admin.get('/api/assistant/usage');
    expect(usage.body.byFeature).toEqual([expect.objectContaining({ feature: 'summary', calls: 1 })]);

    // The same event again (a redelivery) writes nothing and asks nothing.
    const calls = fake.requests.length;
    const event = await envelopeOf('conversation.transferred', (p) => p.conversation.id === conversationId);
    expect(await summaries.handle(event)).toBe(false);
    expect(await notes(conversationId)).toHaveLength(1);
    expect(fake.requests.length).toBe(calls);
  });

  it('writes it into the ticket made from a conversation too, as an internal comment', async () => {
    const { conversationId } = acme.conversations.ownOnlyAssigned;
    await acme.clients.ownOnly.post(`/api/conversations/${conversationId}/messages`, { clientId: 'r2', text: 'I am escalating this to billing.' });
    fake.answer('- Billing question, escalated');
    const ticket = await acme.clients.admin.post('/api/tickets', { conversationId, subject: 'Billing' });
    expect(ticket.status, JSON.stringify(ticket.body)).toBe(201);
    const comment = await eventually(() =>
      db().selectFrom('ticket_comments').select(['author_type', 'public', 'body']).where('ticket_id', '=', ticket.body.id).executeTakeFirst(),
    );
    expect(comment).toEqual({ author_type: 'system', public: false, body: `${SUMMARY_HEADING}\n- Billing question, escalated` });
    expect((await notes(conversationId)).map((n) => n.content)).toEqual([[{ type: 'text', text: `${SUMMARY_HEADING}\n- Billing question, escalated` }]]);
  });

  it('writes nothing without a model, for a conversation with one message, or after the answer bot’s own summary', async () => {
    const calls = fake.requests.length;
    // One message only: nothing to sum up.
    const { conversationId: short } = acme.conversations.salesQueued;
    await acme.clients.admin.post(`/api/conversations/${short}/transfer`, { to: { groupId: acme.groups.support } });
    expect(await summaries.handle(await envelopeOf('conversation.transferred', (p) => p.conversation.id === short))).toBe(false);

    // The bot handed over with its own summary just now.
    const { conversationId: botted } = await addConversation(db(), acme.tenantId, acme.channelId, {
      contactName: 'Bot customer',
      externalId: 'bot-1',
      text: 'I need a person',
      groupId: acme.groups.support,
      assigneeId: null,
    });
    await db()
      .insertInto('messages')
      .values([
        {
          tenant_id: acme.tenantId,
          conversation_id: botted,
          channel_id: acme.channelId,
          direction: 'out',
          sender_type: 'bot',
          content: JSON.stringify([{ type: 'text', text: 'Let me find someone.' }]),
          status: 'sent',
        },
        {
          tenant_id: acme.tenantId,
          conversation_id: botted,
          channel_id: acme.channelId,
          direction: 'out',
          sender_type: 'bot',
          private: true,
          content: JSON.stringify([{ type: 'text', text: 'Bot summary' }]),
          status: 'sent',
        },
      ] as never)
      .execute();
    expect(
      await summaries.handle({ id: '999999', tenantId: acme.tenantId, kind: 'conversation.transferred', payload: { conversation: { id: botted } }, at: '' }),
    ).toBe(false);

    // A company without a model.
    const globex = await signUp(tc, 'globex');
    const channel = await db()
      .insertInto('channels')
      .values({ tenant_id: globex.tenantId, type: 'app-api', name: 'g' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { conversationId: theirs } = await addConversation(db(), globex.tenantId, channel.id, {
      contactName: 'G',
      externalId: 'g-1',
      text: 'hello',
      groupId: null,
      assigneeId: null,
    });
    expect(
      await summaries.handle({ id: '999998', tenantId: globex.tenantId, kind: 'conversation.transferred', payload: { conversation: { id: theirs } }, at: '' }),
    ).toBe(false);
    expect(fake.requests.length).toBe(calls);
  });
});
