import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { browserAvailable, launchBrowser, newPage, pageProblems, screenshot, startSwitchboard, type TestServer } from './support/browser.js';
import { seedCustomerConversation } from './support/web-world.js';

const injection = '<img src=x onerror=alert(1)>';

/** An admin signs up through the app, and works a customer's conversation in the inbox. */
describe.skipIf(!browserAvailable)('console web app: sign-up, sign-in and the inbox', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let conversationId: string;
  beforeAll(async () => {
    // The default sign-up rule: the installation's first company only.
    [server, browser] = await Promise.all([startSwitchboard({ SIGNUP: 'first' }), launchBrowser()]);
    ({ page } = await newPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs a new company up and lands its admin in the inbox', async () => {
    await page.goto(`${server.url}/sign-in`);
    await page.getByRole('link', { name: 'New company? Sign up' }).click();
    await page.waitForURL(`${server.url}/sign-up`);
    await page.getByLabel('Company name').fill('Acme Trading');
    await page.getByLabel('Address').fill('acme-web');
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create company' }).click();
    await page.waitForURL(`${server.url}/t/acme-web/`);
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
    await expect(page.getByText('Ada Admin').isVisible()).resolves.toBe(true);
    // The agent's own status is always in view.
    await page.getByRole('combobox', { name: 'Your status' }).waitFor();
    // An admin sees every tab.
    expect(await page.getByRole('tab').allTextContents()).toEqual(['Mine', 'Unassigned', 'My groups', 'All']);
    await screenshot(page, 'console-web-signed-up-inbox');
  });

  it('closes sign-up once the installation has its company', async () => {
    const visitor = await browser.newPage();
    try {
      await visitor.goto(`${server.url}/sign-up`);
      await visitor.getByText('New companies cannot sign up here.', { exact: false }).waitFor();
      expect(await visitor.getByRole('button', { name: 'Create company' }).count()).toBe(0);
      await visitor.goto(`${server.url}/sign-in`);
      await visitor
        .getByRole('button', { name: /Sign in/ })
        .first()
        .waitFor();
      expect(await visitor.getByRole('link', { name: 'New company? Sign up' }).count()).toBe(0);
    } finally {
      await visitor.close();
    }
  });

  it('shows a conversation with its customer, renders what the customer wrote as text, and sets notes apart', async () => {
    const db = server.process.ctx.database.db;
    const admin = await db.selectFrom('users').select('id').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    ({ conversationId } = await seedCustomerConversation(db, {
      tenantSlug: 'acme-web',
      assigneeId: admin.id,
      contactName: 'Wang Fang',
      messages: [
        { direction: 'in', parts: [{ type: 'text', text: `Hello ${injection} see https://example.org/order/7` }] },
        {
          direction: 'in',
          parts: [
            { type: 'image', url: 'https://example.org/receipt.png', name: 'receipt.png' },
            { type: 'file', url: 'javascript:alert(2)', name: 'evil.pdf', size: 2048 },
          ],
        },
        { direction: 'out', parts: [{ type: 'text', text: 'Checking with the warehouse.' }], private: true },
      ],
    }));
    await page.reload();
    const item = page.getByRole('link', { name: /Wang Fang/ });
    await item.waitFor();
    await item.click();
    await page.waitForURL(`${server.url}/t/acme-web/conversations/${conversationId}`);
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText(injection, { exact: false }).waitFor();
    // The markup is text: no element was made of it, nothing ran.
    expect(await log.locator('img[src="x"]').count()).toBe(0);
    expect(await log.getByRole('link', { name: 'https://example.org/order/7' }).getAttribute('rel')).toContain('noopener');
    // An image only at the customer's address is not loaded: a placeholder with a link to open by choice.
    const receipt = log.getByRole('figure', { name: 'receipt.png, not loaded' });
    expect(await receipt.getByRole('link', { name: 'Open in a new tab' }).getAttribute('href')).toBe('https://example.org/receipt.png');
    expect(await log.locator('img[src^="https://"]').count()).toBe(0);
    // A file whose address is a script is shown without a link.
    await log.getByText('evil.pdf (not available)').waitFor();
    expect(await log.locator('a[href^="javascript:"]').count()).toBe(0);
    await expect(page.getByRole('article', { name: 'Internal note by Ada Admin' }).textContent()).resolves.toContain('Checking with the warehouse.');
    // The customer panel: the record, the identity on the channel.
    const panel = page.getByRole('complementary', { name: 'Customer' });
    await panel.getByText('customer@example.com').waitFor();
    await panel.getByText('Wang Fang').first().waitFor();
    expect(pageProblems(page)).toEqual([]);
    await screenshot(page, 'console-web-conversation');
  });

  it('replies and writes an internal note; a reply is sent once', async () => {
    const box = page.getByRole('combobox', { name: /Write a reply/ });
    await box.fill('We are on it, 马上处理。');
    await box.press('Enter');
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByRole('article', { name: 'Ada Admin' }).filter({ hasText: 'We are on it, 马上处理。' }).waitFor();
    await page.getByRole('checkbox', { name: 'Internal note' }).check();
    await page.getByRole('combobox', { name: /internal note/ }).fill('Customer is a VIP');
    await page.getByRole('button', { name: 'Add note' }).click();
    await log.getByRole('article', { name: 'Internal note by Ada Admin' }).filter({ hasText: 'Customer is a VIP' }).waitFor();

    const db = server.process.ctx.database.db;
    const rows = await db
      .selectFrom('messages')
      .select(['private', 'content', 'client_id'])
      .where('conversation_id', '=', conversationId)
      .where('direction', '=', 'out')
      .orderBy('id')
      .execute();
    expect(rows.map((r) => [r.private, (r.content as { text: string }[])[0]!.text])).toEqual([
      [true, 'Checking with the warehouse.'],
      [false, 'We are on it, 马上处理。'],
      [true, 'Customer is a VIP'],
    ]);
    expect(rows[1]!.client_id).toMatch(/^web-/);
    // After a reload the same messages are there, once each.
    await page.reload();
    await log.getByText('Customer is a VIP').waitFor();
    expect(await log.getByText('We are on it, 马上处理。').count()).toBe(1);
    await screenshot(page, 'console-web-replied');
  });

  it('edits the customer record from the panel', async () => {
    const panel = page.getByRole('complementary', { name: 'Customer' });
    await panel.getByRole('button', { name: 'Edit customer' }).click();
    const form = panel.getByRole('form', { name: 'Edit customer' });
    await form.getByLabel('Phone').fill('+86 138 0000 0000');
    await form.getByLabel('Tags').fill('vip，退款');
    await form.getByRole('button', { name: 'Save' }).click();
    await panel.getByRole('list', { name: 'Tags' }).getByText('退款').waitFor();
    await panel.getByText('+86 138 0000 0000').waitFor();
    const db = server.process.ctx.database.db;
    const contact = await db.selectFrom('contacts').select(['phone', 'tags', 'email']).where('name', '=', 'Wang Fang').executeTakeFirstOrThrow();
    expect(contact).toEqual({ phone: '+86 138 0000 0000', tags: ['vip', '退款'], email: 'customer@example.com' });
    await screenshot(page, 'console-web-customer-edited');
  });

  it('inserts a canned response with /', async () => {
    const db = server.process.ctx.database.db;
    const tenant = await db.selectFrom('tenants').select('id').where('slug', '=', 'acme-web').executeTakeFirstOrThrow();
    await db
      .insertInto('canned_responses')
      .values({ tenant_id: tenant.id, shortcut: 'thanks', title: 'Thank you', body: 'Thank you for your patience!' })
      .execute();
    const box = page.getByRole('combobox', { name: /Write a reply/ });
    await box.fill('/tha');
    const option = page.getByRole('option', { name: /thanks/ });
    await option.waitFor();
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('Thank you for your patience!');
    await screenshot(page, 'console-web-canned-inserted');
    await box.fill('');
  });

  it('works in Chinese, signs out, and signs back in', async () => {
    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('tab', { name: /我的/ }).first().waitFor();
    await page.getByRole('log', { name: '消息' }).waitFor();
    await screenshot(page, 'console-web-conversation-zh');
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.waitForURL(`${server.url}/t/acme-web/sign-in`);
    await page.getByLabel('邮箱').fill('ada@example.com');
    await page.getByLabel('密码').fill('wrong password here');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toBe('邮箱或密码错误。');
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByRole('link', { name: /Wang Fang/ }).waitFor();
    await page.getByLabel('语言').selectOption('en');
  });

  it('stays usable at a phone width: the list, then the conversation with a way back', async () => {
    const { context, page: phone } = await newPage(browser, { width: 390 });
    await context.addCookies(await page.context().cookies());
    await phone.goto(`${server.url}/t/acme-web/`);
    await phone.getByRole('link', { name: /Wang Fang/ }).click();
    await phone.getByRole('combobox', { name: /Write a reply/ }).waitFor();
    expect(await phone.getByRole('tablist').isVisible()).toBe(false);
    const width = await phone.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await screenshot(phone, 'console-web-phone');
    await phone.getByRole('link', { name: /Inbox/ }).last().click();
    await phone.getByRole('tablist').waitFor();
    await context.close();
  });
});
