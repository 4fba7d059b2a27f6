import { unzipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, newPage, pageProblems, screenshot, startSwitchboard, type TestServer, signUpCompany } from './support/browser.js';
import { seedCustomerConversation } from './support/web-world.js';

/** An admin hands a customer their data, erases them on request, and sets how long conversations are kept. */
describe.skipIf(!browserAvailable)('console web app: a customer’s data rights and the retention policy', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let contactId: string;
  let conversationId: string;
  const base = () => `${server.url}/t/rights-web`;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    await signUpCompany(server, { companyName: 'Rights Co', slug: 'rights-web' });
    ({ contactId, conversationId } = await seedCustomerConversation(server.process.ctx.database.db, {
      tenantSlug: 'rights-web',
      assigneeId: null,
      contactName: '陈静',
      messages: [{ direction: 'in', parts: [{ type: 'text', text: '请删除我的资料' }] }],
    }));
    ({ context, page } = await newPage(browser));
    await page.goto(`${base()}/sign-in`);
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('downloads everything held about a customer, refuses to erase while a conversation is open, then erases', async () => {
    await page.goto(`${base()}/contacts/${contactId}`);
    const rights = page.getByRole('region', { name: 'Data rights' });
    const [download] = await Promise.all([page.waitForEvent('download'), rights.getByRole('link', { name: 'Download everything held (zip)' }).click()]);
    const entries = unzipSync(new Uint8Array(readFileSync((await download.path())!)));
    expect(new TextDecoder().decode(entries['messages.json'])).toContain('请删除我的资料');

    await rights.getByRole('button', { name: 'Erase this customer…' }).click();
    await page.getByRole('dialog', { name: 'Erase 陈静 and everything held about them?' }).getByRole('button', { name: 'Erase for good' }).click();
    await rights.getByText('This customer still has open conversations. Resolve them first, then erase.').waitFor();
    await screenshot(page, 'console-web-data-rights');

    await server.process.ctx.database.db
      .updateTable('conversations')
      .set({ status: 'resolved', resolved_at: new Date() })
      .where('id', '=', conversationId)
      .execute();
    await rights.getByRole('button', { name: 'Erase this customer…' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Erase for good' }).click();
    await page.getByRole('status').getByText('The customer was erased.').waitFor();
    expect(await page.getByRole('table', { name: 'Customers' }).getByText('陈静').count()).toBe(0);
    expect(pageProblems(page)).toEqual([]);
  });

  it('sets the retention policy in Chinese, runs it and shows the report', async () => {
    const zh = await browser.newContext({ locale: 'zh-CN', storageState: await context.storageState() });
    try {
      const zhPage = await zh.newPage();
      await zhPage.goto(`${base()}/admin/retention`);
      const form = zhPage.getByRole('form', { name: '数据保留' });
      await form.getByLabel('已解决会话保留天数').fill('365');
      await form.getByLabel('文件保留天数').fill('90');
      await form.getByRole('button', { name: '保存' }).click();
      await zhPage.getByRole('status').getByText('已保存。策略每天执行一次。').waitFor();
      await zhPage.getByRole('button', { name: '立即执行' }).click();
      const runs = zhPage.getByRole('table', { name: '执行记录' });
      await runs.getByText('管理员手动').waitFor();
      await runs.getByText('完成').waitFor();
      await screenshot(zhPage, 'console-web-retention-zh');
    } finally {
      await zh.close();
    }
  });
});
