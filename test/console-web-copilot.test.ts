import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../console/server/auth/passwords.js';
import {
  browserAvailable,
  launchBrowser,
  newPage,
  pageProblems,
  screenshot,
  signIn,
  signUpCompany,
  startSwitchboard,
  type TestServer,
} from './support/browser.js';
import { fakeOpenAI, type FakeOpenAI } from './support/fake-openai.js';
import { seedCustomerConversation } from './support/web-world.js';

/**
 * An admin points the company at its model (a local OpenAI-compatible fake) on the settings page
 * and tests it; an agent opens a conversation, asks the copilot for a reply, and finds it in the
 * reply box, grounded in the knowledge base, with nothing sent.
 */
describe.skipIf(!browserAvailable)('console web app: the AI copilot', () => {
  let server: TestServer;
  let browser: Browser;
  let fake: FakeOpenAI;
  let admin: Page;
  let agent: Page;
  let conversationId: string;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser, fake] = await Promise.all([startSwitchboard(), launchBrowser(), fakeOpenAI()]);
    const { tenantId } = await signUpCompany(server, { companyName: 'Tea House', slug: 'tea-house' });
    const agentRole = await db().selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow();
    const agentId = (
      await db()
        .insertInto('users')
        .values({
          tenant_id: tenantId,
          email: 'li@example.com',
          name: 'Li Agent',
          role_id: agentRole.id,
          password_hash: await hashPassword('agent password 1'),
          account_status: 'active',
          agent_status: 'online',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    ({ conversationId } = await seedCustomerConversation(db(), {
      tenantSlug: 'tea-house',
      assigneeId: agentId,
      contactName: 'Wang Fang',
      messages: [{ direction: 'in', parts: [{ type: 'text', text: '你好,我想退货,怎么办?' }] }],
    }));
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'tea-house');
    ({ page: agent } = await newPage(browser));
    await signIn(agent, server, 'tea-house', 'li@example.com', 'agent password 1');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await fake?.close();
  });

  it('lets an admin set up the model and test it, the key never shown again', async () => {
    const article = await admin.evaluate(async () => {
      const session = await (await fetch('/t/tea-house/api/session')).json();
      const made = await fetch('/t/tea-house/api/knowledge/articles', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrfToken },
        body: JSON.stringify({ locale: 'zh', title: '如何申请退货', body: '<p>收到商品 7 天内可在“我的订单”中申请退货。</p>', state: 'published' }),
      });
      return made.json();
    });
    expect(article.url).toContain('/help/tea-house/articles/');

    await admin.goto(`${server.url}/t/tea-house/admin/ai-model`);
    const form = admin.getByRole('form', { name: 'Model settings' });
    await form.getByLabel('Use this model for the copilot and the answer bot').check();
    await form.getByLabel('Base URL').fill(fake.url);
    await form.getByLabel('Model', { exact: true }).fill('deepseek-chat');
    await form.getByLabel('API key').fill(fake.key);
    await form.getByLabel('Mask personal data').check();
    await form.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'The model settings are saved.' }).waitFor();
    await expect(admin.getByRole('form', { name: 'Model settings' }).getByLabel('API key').inputValue()).resolves.toBe('');
    await admin.getByText('A key is stored; leave empty to keep it.').waitFor();
    fake.answer('OK');
    await admin.getByRole('button', { name: 'Test the connection' }).click();
    await admin
      .getByRole('status')
      .filter({ hasText: /deepseek-chat answered in \d+ ms\./ })
      .waitFor();
    await admin.getByRole('region', { name: 'Usage in the last 30 days' }).getByRole('rowheader', { name: 'Connection tests' }).waitFor();
    expect(await admin.content()).not.toContain(fake.key);
    // The admin area scrolls inside the page: a tall window shows the form and the usage at once.
    await admin.setViewportSize({ width: 1280, height: 1500 });
    await screenshot(admin, 'console-web-copilot-settings');
    expect(pageProblems(admin)).toEqual([]);
  });

  it('puts the suggested reply into the reply box and sends nothing', async () => {
    fake.answer((request) => {
      const link = /Link: (\S+)/.exec(request.messages[0]?.content ?? '')?.[1] ?? '(no article)';
      return `您好!收到商品 7 天内可在“我的订单”中申请退货:${link}`;
    });
    await agent.goto(`${server.url}/t/tea-house/conversations/${conversationId}`);
    await agent.getByRole('button', { name: 'AI assistant' }).click();
    await agent.getByRole('menu', { name: 'AI assistant' }).getByRole('menuitem', { name: 'Suggest a reply' }).click();
    const box = agent.getByRole('combobox', { name: /Write a reply/ });
    await expect
      .poll(() => box.inputValue())
      .toMatch(/^您好!收到商品 7 天内可在“我的订单”中申请退货:http:\/\/127\.0\.0\.1:\d+\/help\/tea-house\/articles\/[0-9a-f-]+$/);
    const notice = agent.getByRole('form', { name: 'Reply' }).getByRole('status');
    await notice.getByText('The AI’s draft is in the reply box: check it before you send.').waitFor();
    await notice.getByRole('link', { name: '如何申请退货' }).waitFor();
    await screenshot(agent, 'console-web-copilot-suggestion');

    const sent = await db().selectFrom('messages').select('id').where('conversation_id', '=', conversationId).where('direction', '=', 'out').execute();
    expect(sent).toEqual([]);
    const log = agent.getByRole('log', { name: 'Messages' });
    await expect(log.getByRole('article').count()).resolves.toBe(1);

    // The customer's message, translated under it; and the draft, rewritten, with an undo.
    fake.answer('Hello, I would like to return my order. What should I do?');
    await log.getByRole('button', { name: 'Translate' }).click();
    await log.getByText('Translation: Hello, I would like to return my order. What should I do?').waitFor();
    const suggested = await box.inputValue();
    fake.answer('收到商品 7 天内可申请退货。');
    await agent.getByRole('button', { name: 'AI assistant' }).click();
    await agent.getByRole('menuitem', { name: 'Shorter' }).click();
    await expect.poll(() => box.inputValue()).toBe('收到商品 7 天内可申请退货。');
    await notice.getByRole('button', { name: 'Undo' }).click();
    await expect(box.inputValue()).resolves.toBe(suggested);
    expect(pageProblems(agent)).toEqual([]);
  });

  it('says why when the model fails, and the reply row still fits a phone', async () => {
    fake.next({ status: 401 });
    await agent.getByRole('button', { name: 'AI assistant' }).click();
    await agent.getByRole('menuitem', { name: 'Summarize the conversation' }).click();
    await agent.getByRole('alert').filter({ hasText: 'AI: the model’s server refused the API key' }).waitFor();

    const { context, page: phone } = await newPage(browser, { width: 390 });
    await context.addCookies(await agent.context().cookies());
    await phone.goto(`${server.url}/t/tea-house/conversations/${conversationId}`);
    await phone.getByRole('button', { name: 'AI assistant' }).click();
    await phone.getByRole('menu', { name: 'AI assistant' }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'console-web-copilot-phone');
    await context.close();
  });
});
