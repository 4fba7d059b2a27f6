import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeOpenAI, type FakeOpenAI } from '../../test/support/fake-openai.js';
import { startTestConsole, signUp, type ApiClient, type TestConsole } from '../../test/support/console.js';
import { addConversation, buildCompany, type Company } from '../../test/support/console-world.js';

describe('the copilot in the reply box', () => {
  let tc: TestConsole;
  let fake: FakeOpenAI;
  let acme: Company;
  let globex: ApiClient;
  let globexTenantId: string;
  let conversationId: string;
  let articleUrl: string;
  const outbound = () =>
    tc.ctx.database.db
      .selectFrom('outbox')
      .select('id')
      .where('kind', '=', 'message.outbound')
      .execute()
      .then((rows) => rows.length);

  beforeAll(async () => {
    [tc, fake] = await Promise.all([startTestConsole({ env: { PUBLIC_URL: 'https://help.acme.example' } }), fakeOpenAI()]);
    acme = await buildCompany(tc, 'acme');
    ({ admin: globex, tenantId: globexTenantId } = await signUp(tc, 'globex'));
    const admin = acme.clients.admin;
    await admin.put('/api/assistant/model', { enabled: true, baseUrl: fake.url, model: 'deepseek-chat', apiKey: fake.key });
    const article = await admin.post('/api/knowledge/articles', {
      locale: 'zh',
      title: '如何申请退货',
      body: '<p>收到商品 <b>7 天内</b>,可在“我的订单”中申请退货。</p>',
      category: '售后',
      state: 'published',
    });
    articleUrl = article.body.url;
    ({ conversationId } = await addConversation(tc.ctx.database.db, acme.tenantId, acme.channelId, {
      contactName: '王芳',
      externalId: 'wang-fang',
      text: '你好,我想申请退货,怎么办?我的电话是13800138000',
      groupId: acme.groups.support,
      assigneeId: acme.users.supportAgent,
    }));
    await acme.clients.supportAgent.post(`/api/conversations/${conversationId}/messages`, {
      clientId: 'note-1',
      text: 'VIP customer, second return this month',
      private: true,
    });
  });
  afterAll(async () => {
    await tc?.stop();
    await fake?.close();
  });

  it('tells the reply box whether the company has a model', async () => {
    expect((await acme.clients.supportAgent.get('/api/assistant/copilot')).body).toEqual({ configured: true });
    expect((await globex.get('/api/assistant/copilot')).body).toEqual({ configured: false });
  });

  it('suggests a reply from the conversation and the knowledge base, citing the article, and sends nothing', async () => {
    const before = await outbound();
    fake.answer((request) => {
      const [system, user] = request.messages;
      expect(system?.content).toContain('如何申请退货');
      expect(system?.content).toContain('收到商品 7 天内,可在“我的订单”中申请退货。');
      expect(system?.content).toContain(articleUrl);
      expect(user?.content).toContain('Customer: 你好,我想申请退货,怎么办?');
      // A reply for the customer is not drafted from what agents wrote for each other.
      expect(user?.content).not.toContain('VIP customer');
      return `您好!收到商品 7 天内可在“我的订单”中申请退货,详见:${articleUrl}`;
    });
    const suggested = await acme.clients.supportAgent.post('/api/assistant/copilot/suggest', { conversationId });
    expect(suggested.status, JSON.stringify(suggested.body)).toBe(200);
    expect(suggested.body.text).toBe(`您好!收到商品 7 天内可在“我的订单”中申请退货,详见:${articleUrl}`);
    expect(suggested.body.articles).toEqual([{ id: expect.any(String), title: '如何申请退货', url: articleUrl, cited: true }]);
    expect(await outbound()).toBe(before);
    const messages = await acme.clients.supportAgent.get(`/api/conversations/${conversationId}`);
    expect(messages.body.messages).toHaveLength(2);
  });

  it('summarizes with the internal notes, and rewrites and translates the agent’s text', async () => {
    const agent = acme.clients.supportAgent;
    fake.answer((request) => {
      expect(request.messages[1]?.content).toContain('Agent (internal note): VIP customer, second return this month');
      return '- 客户想退货\n- 第二次退货(VIP)';
    });
    expect((await agent.post('/api/assistant/copilot/summarize', { conversationId })).body).toEqual({ text: '- 客户想退货\n- 第二次退货(VIP)' });

    fake.answer((request) => {
      expect(request.messages[0]?.content).toContain('Correct the spelling, grammar and punctuation');
      return `echo: ${request.messages[1]?.content}`;
    });
    expect((await agent.post('/api/assistant/copilot/rewrite', { text: 'we cant refund', style: 'grammar' })).body).toEqual({ text: 'echo: we cant refund' });
    fake.answer((request) => {
      expect(request.messages[0]?.content).toContain('into English');
      return 'I would like to return my order.';
    });
    expect((await agent.post('/api/assistant/copilot/translate', { text: '我想退货', to: 'en' })).body).toEqual({ text: 'I would like to return my order.' });
    const refused = await agent.post('/api/assistant/copilot/rewrite', { text: 'x', style: 'poetic' });
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0].field).toBe('style');
  });

  it('works only on conversations the agent may see', async () => {
    const calls = fake.requests.length;
    expect((await acme.clients.salesAgent.post('/api/assistant/copilot/suggest', { conversationId })).status).toBe(404);
    expect((await acme.clients.ownOnly.post('/api/assistant/copilot/summarize', { conversationId })).status).toBe(404);
    expect((await globex.post('/api/assistant/copilot/suggest', { conversationId })).status).toBe(404);
    expect(fake.requests.length).toBe(calls);
  });

  it('says why when there is no model or the model fails', async () => {
    const db = tc.ctx.database.db;
    const channel = await db
      .insertInto('channels')
      .values({ tenant_id: globexTenantId, type: 'app-api', name: 'globex app' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { conversationId: theirs } = await addConversation(db, globexTenantId, channel.id, {
      contactName: 'G',
      externalId: 'g-1',
      text: 'hello',
      groupId: null,
      assigneeId: null,
    });
    const none = await globex.post('/api/assistant/copilot/suggest', { conversationId: theirs });
    expect(none.status).toBe(409);
    expect(none.body).toMatchObject({ error: 'conflict', reason: 'not_configured' });

    fake.next({ status: 401 });
    const refused = await acme.clients.supportAgent.post('/api/assistant/copilot/translate', { text: '你好', to: 'en' });
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ error: 'model_unavailable', reason: 'unauthorized' });
  });

  it('keeps the customer’s phone number on the server when the company masks personal data', async () => {
    await acme.clients.admin.put('/api/assistant/model', { enabled: true, baseUrl: fake.url, model: 'deepseek-chat', maskPersonalData: true });
    fake.answer('我们会尽快联系您。');
    const suggested = await acme.clients.supportAgent.post('/api/assistant/copilot/suggest', { conversationId });
    expect(suggested.status).toBe(200);
    expect(fake.requests.at(-1)?.raw).not.toContain('13800138000');
    expect(fake.requests.at(-1)?.raw).toContain('[phone 1]');
  });
});
