import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, newPage, pageProblems, screenshot, startSwitchboard, type TestServer, signUpCompany } from './support/browser.js';
import { seedCustomerConversation } from './support/web-world.js';

/** An agent finds one customer's two records, merges them, undoes it, searches in Chinese and imports a CSV, in English and Chinese. */
describe.skipIf(!browserAvailable)('console web app: customers, merge with undo, search, import', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let emailContact: string;
  const base = () => `${server.url}/t/crm-web`;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { adminId } = await signUpCompany(server, { companyName: 'CRM Co', slug: 'crm-web' });
    const db = server.process.ctx.database.db;
    await seedCustomerConversation(db, {
      tenantSlug: 'crm-web',
      assigneeId: adminId,
      contactName: '王芳',
      channel: { type: 'wechat-oa', name: 'WeChat' },
      messages: [{ direction: 'in', parts: [{ type: 'text', text: '我要退款' }] }],
    });
    ({ contactId: emailContact } = await seedCustomerConversation(db, {
      tenantSlug: 'crm-web',
      assigneeId: adminId,
      contactName: 'Fang Wang',
      channel: { type: 'email', name: 'Support mail' },
      messages: [{ direction: 'in', parts: [{ type: 'text', text: 'Where is my refund?' }] }],
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

  it('lists customers with the suggested duplicate, and merges the WeChat record into the e-mail one; the timeline shows both', async () => {
    await page.getByRole('link', { name: 'Customers' }).click();
    const table = page.getByRole('table', { name: 'Customers' });
    await table.getByRole('link', { name: 'Fang Wang' }).waitFor();
    await table.getByRole('link', { name: '王芳' }).waitFor();
    const duplicates = page.getByRole('region', { name: 'Suggested duplicates' });
    await duplicates.getByText('Same e-mail').waitFor();
    await table.getByRole('link', { name: 'Fang Wang' }).click();
    await page.waitForURL(`${base()}/contacts/${emailContact}`);
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Where is my refund?').waitFor();
    expect(await timeline.getByText('我要退款').count()).toBe(0);

    await page.getByRole('button', { name: 'Merge another customer into this one…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge customers' });
    await dialog.getByRole('searchbox').fill('王芳');
    await dialog.getByRole('button', { name: 'Find' }).click();
    await dialog.getByRole('radio', { name: /王芳/ }).check();
    await dialog.getByText('王芳 will be merged into Fang Wang', { exact: false }).waitFor();
    await dialog.getByRole('button', { name: 'Merge' }).click();
    await timeline.getByText('我要退款').waitFor();
    await timeline.getByText('Where is my refund?').waitFor();
    await timeline.getByText('Merged in 王芳').waitFor();
    expect(await page.getByRole('region', { name: 'On channels' }).getByRole('listitem').count()).toBe(2);
    await screenshot(page, 'console-web-crm-merged');
  });

  it('undoes the merge: the WeChat conversation leaves this customer again', async () => {
    await page.getByRole('button', { name: 'Undo merge' }).click();
    const timeline = page.getByRole('region', { name: 'Timeline' });
    await timeline.getByText('Merge of 王芳 undone').waitFor();
    expect(await timeline.getByText('我要退款').count()).toBe(0);
    await timeline.getByText('Where is my refund?').waitFor();
  });

  it('searches from the top bar in Chinese and opens the conversation', async () => {
    const box = page.getByRole('searchbox', { name: 'Search', exact: true });
    await box.fill('退款');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    const results = page.getByRole('list', { name: /Results for/ });
    await results.getByText('我要退款').waitFor();
    expect(await results.getByText('Where is my refund?').count()).toBe(0);
  });

  it('imports a CSV with progress, and offers the report of the refused rows', async () => {
    await page.goto(`${base()}/contacts/import`);
    const form = page.getByRole('form', { name: 'Import customers' });
    await form.getByLabel('CSV file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('name,email,tags\n李雷,lilei@example.com,vip\nBroken,not-an-email,\nHan Meimei,hmm@example.com,\n'),
    });
    await form.getByRole('button', { name: 'Start import' }).click();
    const progress = page.getByRole('region', { name: 'Import progress' });
    await progress.getByText('Done', { exact: false }).waitFor({ timeout: 30_000 });
    await progress.getByText('3 rows read, 2 added, 0 updated, 1 refused').waitFor();
    const report = progress.getByRole('link', { name: 'Download the error report' });
    const answer = await page.request.get(new URL((await report.getAttribute('href'))!, page.url()).toString());
    expect(answer.status()).toBe(200);
    expect(await answer.text()).toContain('not-an-email');
    await page.goto(`${base()}/contacts`);
    await page.getByRole('table', { name: 'Customers' }).getByRole('link', { name: '李雷' }).waitFor();
    expect(pageProblems(page)).toEqual([]);
  });

  it('shows the contact page in Chinese', async () => {
    const zh = await browser.newContext({ locale: 'zh-CN', storageState: await context.storageState() });
    try {
      const zhPage = await zh.newPage();
      await zhPage.goto(`${base()}/contacts/${emailContact}`);
      await zhPage.getByRole('heading', { name: '客户动态' }).waitFor();
      await zhPage.getByRole('button', { name: '将其他客户合并到此客户…' }).waitFor();
      await zhPage.getByRole('link', { name: '客户', exact: true }).first().waitFor();
      await screenshot(zhPage, 'console-web-crm-zh');
    } finally {
      await zh.close();
    }
  });
});
