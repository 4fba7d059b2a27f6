import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../core/config/config.js';
import { queueReply } from '../../core/conversations/reply.js';
import type { Db } from '../../core/db/database.js';
import { freshDatabase } from '../../test/support/services.js';
import {
  addAgent,
  addChannel,
  addGroup,
  addRule,
  conversationOf,
  createWorld,
  deliver,
  envelope,
  setDefaultGroup,
  silentLogger,
  type World,
} from '../../test/support/router-world.js';
import { ModelUnavailableError, type CompletionRequest, type ModelGateway } from '../model/gateway.js';
import { botDb } from './schema.js';
import { handOverStuckTurns, resolveIdleSessions } from './sweep.js';
import { answerTurn, summarizeHandover } from './worker.js';

/** A published article, written as the knowledge base stores it. */
async function addArticle(db: Db, tenantId: string, article: { locale: 'zh' | 'en'; title: string; body: string }): Promise<string> {
  const { rows } = await sql<{ id: string }>`insert into knowledge_articles (tenant_id, locale, title, body, body_text, state, published_at)
    values (${tenantId}, ${article.locale}, ${article.title}, ${`<p>${article.body}</p>`}, ${article.body}, 'published', now()) returning id`.execute(db);
  return rows[0]!.id;
}

const noModel: ModelGateway = {
  configured: async () => false,
  complete: async () => {
    throw new ModelUnavailableError('not_configured', 'no model');
  },
};

describe('the answer bot worker', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  let support: string;
  let billing: string;
  let agent: string;
  let password: string;
  let deps: Parameters<typeof answerTurn>[0];
  const bot = () => botDb(handle.db);

  /** A customer's first message through the pipeline; answers the conversation and its pending turn. */
  async function ask(from: string, text: string, w: World = world) {
    await deliver(handle.db, envelope(w, { from, text }));
    const conversation = await conversationOf(handle.db, w, from);
    const turn = await bot()
      .selectFrom('bot_turns')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .where('state', '=', 'pending')
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    return { conversation, turnId: turn.id };
  }
  const sent = (conversationId: string) =>
    handle.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('direction', '=', 'out').orderBy('id').execute();
  const session = (conversationId: string) =>
    bot().selectFrom('bot_sessions').selectAll().where('conversation_id', '=', conversationId).executeTakeFirstOrThrow();

  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'answer-bot-worker');
    support = await addGroup(world, 'Support');
    billing = await addGroup(world, 'Billing');
    await setDefaultGroup(world, support);
    agent = await addAgent(world, 'Li', { groups: [support, billing], capacity: { chat: 50 } });
    await addRule(world, 1, [{ type: 'keyword', anyOf: ['invoice'] }], { groupId: billing }, 'invoices');
    await bot().insertInto('bot_settings').values({ tenant_id: world.tenantId, channel_id: world.channelId, enabled: true }).execute();
    password = await addArticle(handle.db, world.tenantId, {
      locale: 'en',
      title: 'Reset your password',
      body: 'To reset your password, open Settings and choose Reset password. We send a link to your e-mail address. The link works for one hour, after that ask for a new one.',
    });
    await addArticle(handle.db, world.tenantId, {
      locale: 'zh',
      title: '如何退货',
      body: '收到商品7天内可以申请退货。请在订单页面点击申请退货，我们会在两个工作日内处理。',
    });
    deps = {
      database: { db: handle.db } as never,
      config: { publicUrl: 'https://help.example.com', publicUrlSet: true } as Config,
      logger: silentLogger,
      relay: { poke() {} },
    };
  });
  afterAll(() => handle?.drop());

  it('answers from the knowledge base with no model: the article’s first sentences, its link and the citation', async () => {
    const { conversation, turnId } = await ask('ann', 'How do I reset my password?');
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('answered');
    const [reply] = await sent(conversation.id);
    expect(reply).toMatchObject({ sender_type: 'bot', private: false, status: 'queued', client_id: `bot-turn:${turnId}` });
    const url = `https://help.example.com/help/answer-bot-worker/articles/${password}`;
    expect(reply!.content).toEqual([
      {
        type: 'text',
        text: `To reset your password, open Settings and choose Reset password. We send a link to your e-mail address.\n\nReset your password: ${url}`,
      },
      { type: 'event', name: 'bot.citations', data: { articles: [{ id: password, title: 'Reset your password', url }] } },
    ]);
    expect(await session(conversation.id)).toMatchObject({ state: 'active', answered: 1 });
    expect(await bot().selectFrom('bot_turns').selectAll().where('id', '=', turnId).executeTakeFirst()).toMatchObject({
      state: 'answered',
      reply_message_id: reply!.id,
      score: 1,
      latency_ms: expect.any(Number),
    });
    // The delivery for the connector is written with it.
    const delivery = await handle.db
      .selectFrom('outbox')
      .select('payload')
      .where('kind', '=', 'message.outbound')
      .where('tenant_id', '=', world.tenantId)
      .execute();
    expect(delivery.map((d) => (d.payload as { messageId: string }).messageId)).toContain(reply!.id);

    // The same event again answers nothing twice.
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('none');
    expect(await sent(conversation.id)).toHaveLength(1);
    expect(await conversationOf(handle.db, world, 'ann')).toMatchObject({ status: 'open', assignee_id: null });
  });

  it('answers a Chinese question from a Chinese article', async () => {
    const { conversation, turnId } = await ask('bo', '我想退货怎么办？');
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('answered');
    const [reply] = await sent(conversation.id);
    expect((reply!.content as { text?: string }[])[0]!.text).toMatch(/^收到商品7天内可以申请退货。/);
  });

  it('hands over when no article answers, routed by the rules as without the bot, with its summary', async () => {
    const { conversation, turnId } = await ask('cy', 'Can I bring my dog to the office?');
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('handed_over');
    expect(await conversationOf(handle.db, world, 'cy')).toMatchObject({ status: 'assigned', assignee_id: agent, group_id: support });
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'no answer' });
    // The summary for the agent, then the customer told the bot does not know and a person is coming.
    const messages = await sent(conversation.id);
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatchObject({ sender_type: 'bot', private: true });
    expect(JSON.stringify(messages[0]!.content)).toContain('Can I bring my dog to the office?');
    expect(messages[1]).toMatchObject({
      sender_type: 'bot',
      private: false,
      content: [{ type: 'text', text: expect.stringMatching(/^I don’t know the answer/) }],
    });
  });

  it('tells a Chinese customer in Chinese that it does not know', async () => {
    const { conversation, turnId } = await ask('zhou', '你们公司可以带宠物狗上班吗');
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('handed_over');
    const told = (await sent(conversation.id)).filter((m) => !m.private).map((m) => (m.content as { text: string }[])[0]!.text);
    expect(told).toEqual(['抱歉，这个问题我不知道答案。正在为您转接人工客服，请稍候。']);
  });

  it('hands over on too weak a match', async () => {
    await bot().updateTable('bot_settings').set({ min_score: 0.9 }).where('channel_id', '=', world.channelId).execute();
    try {
      const { conversation, turnId } = await ask('di', 'password for the wifi router');
      expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('handed_over');
      expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'low confidence' });
    } finally {
      await bot().updateTable('bot_settings').set({ min_score: 0.4 }).where('channel_id', '=', world.channelId).execute();
    }
  });

  it('never speaks after a handover', async () => {
    const { conversation, turnId } = await ask('ed', 'How do I reset my password?');
    await deliver(handle.db, envelope(world, { from: 'ed', text: 'agent please' }));
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('none');
    expect((await sent(conversation.id)).filter((m) => !m.private)).toEqual([]);
  });

  it('leaves a conversation to an agent who wrote in it without taking it', async () => {
    const { conversation, turnId } = await ask('ola', 'How do I reset my password?');
    const [admin] = await handle.db.selectFrom('users').select('id').where('tenant_id', '=', world.tenantId).execute();
    await queueReply(handle.db, {
      tenantId: world.tenantId,
      conversationId: conversation.id,
      sender: { type: 'agent', id: admin!.id },
      parts: [{ type: 'text', text: 'Hi, I am here.' }],
    });
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('skipped');
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'agent took over' });
    expect((await sent(conversation.id)).map((m) => m.sender_type)).toEqual(['agent']);
    // Not left without an owner: routed as it would have been.
    expect(await conversationOf(handle.db, world, 'ola')).toMatchObject({ status: 'assigned', assignee_id: agent });
  });

  it('hands over with "model error" when the model fails', async () => {
    const failing: ModelGateway = {
      configured: async () => true,
      complete: async () => {
        throw new ModelUnavailableError('timeout', 'the model took too long');
      },
    };
    const { conversation, turnId } = await ask('fu', 'How do I reset my password?');
    expect(await answerTurn(deps, failing, world.tenantId, turnId)).toBe('handed_over');
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'model error' });
    expect((await sent(conversation.id)).filter((m) => !m.private).map((m) => m.content)).toEqual([
      [{ type: 'text', text: 'I don’t know the answer to that. I’m passing you to a person; please hold on.' }],
    ]);
  });

  it('answers with the model from the articles it was given, and hands over when the model does not know', async () => {
    const asked: CompletionRequest[] = [];
    const model = (answer: object): ModelGateway => ({
      configured: async () => true,
      complete: async (request) => {
        asked.push(request);
        return { text: JSON.stringify(answer), usage: { promptTokens: 10, completionTokens: 5 }, latencyMs: 3, model: 'fake' };
      },
    });
    const first = await ask('gil', 'How do I reset my password?');
    expect(
      await answerTurn(deps, model({ answer: 'Open Settings → Reset password.', articleIds: [password], known: true }), world.tenantId, first.turnId),
    ).toBe('answered');
    expect(asked[0]).toMatchObject({ tenantId: world.tenantId, feature: 'bot', json: true });
    expect(asked[0]!.messages[0]!.content).toContain(`<article id="${password}" title="Reset your password">`);
    const [reply] = await sent(first.conversation.id);
    expect((reply!.content as { text?: string }[])[0]!.text).toMatch(/^Open Settings → Reset password\.\n\nReset your password: https:/);

    const second = await ask('hu', 'How do I reset my password?');
    expect(await answerTurn(deps, model({ answer: '', articleIds: [], known: false }), world.tenantId, second.turnId)).toBe('handed_over');
    expect(await session(second.conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'no answer' });
  });

  it('routes a conversation it hands over where the rules send it without the bot (its first message decides)', async () => {
    const plain = { ...world, channelId: await addChannel(world, 'web') };
    // Without the bot (a channel with none): the keyword sends it to Billing.
    await deliver(handle.db, envelope(plain, { from: 'ida', text: 'A question about my invoice' }));
    expect(await conversationOf(handle.db, plain, 'ida')).toMatchObject({ status: 'assigned', group_id: billing });
    // With the bot, handed over by the worker (no article) …
    const byWorker = await ask('jo', 'A question about my invoice');
    expect(await answerTurn(deps, noModel, world.tenantId, byWorker.turnId)).toBe('handed_over');
    expect(await conversationOf(handle.db, world, 'jo')).toMatchObject({ status: 'assigned', group_id: billing });
    // … and by the step, on a later message that alone would go to the default group.
    await ask('ky', 'A question about my invoice');
    await deliver(handle.db, envelope(world, { from: 'ky', text: '转人工' }));
    expect(await conversationOf(handle.db, world, 'ky')).toMatchObject({ status: 'assigned', group_id: billing });
  });

  it('resolves a conversation whose customer went quiet after an answer', async () => {
    const { conversation, turnId } = await ask('lu', 'How do I reset my password?');
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('answered');
    // Not yet: 29 minutes.
    expect(await resolveIdleSessions(handle.db, new Date(Date.now() + 29 * 60_000))).toBe(0);
    const pendingElsewhere = await ask('mo', 'Can I bring my cat?');
    expect(await resolveIdleSessions(handle.db, new Date(Date.now() + 31 * 60_000))).toBeGreaterThanOrEqual(1);
    expect(await conversationOf(handle.db, world, 'lu')).toMatchObject({ id: conversation.id, status: 'resolved' });
    expect(await session(conversation.id)).toMatchObject({ state: 'resolved' });
    // A session whose turn is still unanswered waits for it.
    expect(await session(pendingElsewhere.conversation.id)).toMatchObject({ state: 'active' });
  });

  it('adds the model’s summary for the agent once, when a model is set up', async () => {
    const asked: CompletionRequest[] = [];
    const model: ModelGateway = {
      configured: async () => true,
      complete: async (request) => {
        asked.push(request);
        return {
          text: 'The customer cannot reset the password; the bot sent the reset article.',
          usage: { promptTokens: 1, completionTokens: 1 },
          latencyMs: 1,
          model: 'fake',
        };
      },
    };
    const { conversation, turnId } = await ask('ned', 'How do I reset my password?');
    expect(await answerTurn(deps, noModel, world.tenantId, turnId)).toBe('answered');
    await deliver(handle.db, envelope(world, { from: 'ned', text: '转人工' }));
    expect(await summarizeHandover(deps, noModel, world.tenantId, conversation.id, 'customer asked')).toBe(false);
    expect(await summarizeHandover(deps, model, world.tenantId, conversation.id, 'customer asked')).toBe(true);
    expect(await summarizeHandover(deps, model, world.tenantId, conversation.id, 'customer asked')).toBe(false);
    expect(asked[0]!.messages[1]!.content).toMatch(/^Customer: How do I reset my password\?\nBot: To reset your password/);
    const notes = (await sent(conversation.id)).filter((m) => m.private);
    expect(notes.map((n) => (n.content as { text: string }[])[0]!.text)).toEqual([
      expect.stringContaining('Answer bot handover'),
      'Summary by the model / 模型摘要:\nThe customer cannot reset the password; the bot sent the reset article.',
    ]);
  });

  it('hands over a conversation whose turn the worker never answered', async () => {
    const { conversation } = await ask('pia', 'How do I reset my password?');
    expect(await handOverStuckTurns(handle.db, new Date(Date.now() + 4 * 60_000))).toBe(0);
    expect(await handOverStuckTurns(handle.db, new Date(Date.now() + 6 * 60_000))).toBeGreaterThanOrEqual(1);
    expect(await session(conversation.id)).toMatchObject({ state: 'handed_over', handoff_reason: 'no answer in time' });
    expect(await conversationOf(handle.db, world, 'pia')).toMatchObject({ status: 'assigned', assignee_id: agent });
    expect(await bot().selectFrom('bot_turns').select('state').where('conversation_id', '=', conversation.id).execute()).toEqual([{ state: 'skipped' }]);
  });
});
