import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
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
import { seedCustomerConversation } from './support/web-world.js';

/**
 * An admin writes an article, publishes it and keeps its history; a customer finds it in the
 * company's help center with JavaScript off; an agent puts its link into a reply.
 */
describe.skipIf(!browserAvailable)('console web app: knowledge base', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let conversationId: string;
  let articleId: string;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { adminId } = await signUpCompany(server, { companyName: 'Tea House', slug: 'tea-house' });
    ({ conversationId } = await seedCustomerConversation(server.process.ctx.database.db, {
      tenantSlug: 'tea-house',
      assigneeId: adminId,
      contactName: 'Wang Fang',
      messages: [{ direction: 'in', parts: [{ type: 'text', text: '我想退货,怎么办?' }] }],
    }));
    ({ page } = await newPage(browser));
    await signIn(page, server, 'tea-house');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('writes, publishes and restores an article in the editor', async () => {
    await page.goto(`${server.url}/t/tea-house/knowledge`);
    await page.getByRole('link', { name: 'New article' }).click();
    const form = page.getByRole('form', { name: 'Article' });
    await form.getByLabel('Title').fill('如何申请退货');
    await form.getByLabel('Language').selectOption({ label: 'Chinese' });
    await form.getByLabel('Category').fill('售后服务');
    await form.getByLabel('Body').fill('<p>收到商品 7 天内,可在“我的订单”中申请退货。</p><script>alert(1)</script>');
    await form.getByLabel('State').selectOption({ label: 'Published' });
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: '“如何申请退货” is saved as version 1.' }).waitFor();
    articleId = new URL(page.url()).pathname.split('/').pop()!;
    // The script is gone from what was saved.
    await expect(form.getByLabel('Body').inputValue()).resolves.toBe('<p>收到商品 7 天内,可在“我的订单”中申请退货。</p>');

    await form.getByLabel('Body').fill('<p>收到商品 30 天内可申请退货。</p>');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'is saved as version 2.' }).waitFor();
    const history = page.getByRole('region', { name: 'Version history' });
    await history.getByText('Version 2').waitFor();
    await history.getByRole('button', { name: 'Restore version 1' }).click();
    await page.getByRole('status').filter({ hasText: 'Version 1 is restored as version 3.' }).waitFor();
    await expect(form.getByLabel('Body').inputValue()).resolves.toContain('7 天内');
    await history.getByText('Version 3').waitFor();
    await expect(history.getByRole('listitem').count()).resolves.toBe(3);
    await screenshot(page, 'console-web-knowledge-editor');

    await page.goto(`${server.url}/t/tea-house/knowledge`);
    await page.getByRole('searchbox', { name: 'Search articles' }).fill('退货');
    await page.getByRole('button', { name: 'Find' }).click();
    await page.getByRole('table', { name: 'Articles' }).getByRole('link', { name: '如何申请退货' }).waitFor();
    expect(pageProblems(page)).toEqual([]);
  });

  it('lets a customer find it in the help center with JavaScript off', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
    const reader = await context.newPage();
    const answer = await reader.goto(`${server.url}/help/tea-house`);
    expect(answer?.headers()['content-security-policy']).toContain("default-src 'none'");
    await reader.getByRole('heading', { name: '售后服务' }).waitFor();
    await reader.getByRole('searchbox', { name: '搜索帮助中心' }).fill('我想退货');
    await reader.getByRole('button', { name: '搜索' }).click();
    await reader.getByText('“我想退货”的搜索结果:1 篇文章').waitFor();
    await reader.getByRole('link', { name: '如何申请退货' }).click();
    await reader.getByRole('heading', { level: 1, name: '如何申请退货' }).waitFor();
    await reader.getByText('可在“我的订单”中申请退货').waitFor();
    await screenshot(reader, 'console-web-knowledge-help-center');
    await context.close();
  });

  it('puts the article’s link into a reply, and the reply box still fits a phone', async () => {
    await page.goto(`${server.url}/t/tea-house/conversations/${conversationId}`);
    await page.getByRole('button', { name: /^Article/ }).click();
    const picker = page.getByRole('dialog', { name: 'Article' });
    await picker.getByRole('searchbox', { name: 'Find an article to link' }).fill('退货');
    await picker.getByRole('button', { name: '如何申请退货' }).click();
    const box = page.getByRole('combobox', { name: /Write a reply/ });
    const link = `${server.url}/help/tea-house/articles/${articleId}`;
    await expect(box.inputValue()).resolves.toBe(`如何申请退货 ${link}`);
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText(link).waitFor();

    const { context, page: phone } = await newPage(browser, { width: 390 });
    await context.addCookies(await page.context().cookies());
    await phone.goto(`${server.url}/t/tea-house/conversations/${conversationId}`);
    await phone.getByRole('button', { name: /^Article/ }).waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'console-web-knowledge-phone');
    await context.close();
    expect(pageProblems(page)).toEqual([]);
  });
});
