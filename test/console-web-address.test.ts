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

/** Adds the web chat on the channels page and answers its embed tag. */
async function addWebChat(page: Page, name: string): Promise<string> {
  const form = page.getByRole('form', { name: 'Add channel' });
  await form.getByLabel('Type').selectOption({ label: 'Web chat' });
  await form.getByLabel('Name').fill(name);
  await form.getByRole('button', { name: 'Add channel' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `${name} is added.` })
    .waitFor();
  return page
    .getByRole('region', { name: `Settings of ${name}` })
    .getByLabel('Embed code')
    .inputValue();
}

describe.skipIf(!browserAvailable)('console web app: a real address from the start (no PUBLIC_URL)', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    // PUBLIC_URL left out: links would default to http://localhost:<port>.
    [server, browser] = await Promise.all([startSwitchboard({ PUBLIC_URL: '' }), launchBrowser()]);
    ({ page } = await newPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('signs up at 127.0.0.1, shows that address for confirmation and stays signed in there', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await page.goto(`${server.url}/sign-up`);
    await expect(page.getByLabel('Console URL').inputValue()).resolves.toBe(server.url);
    await page.getByLabel('Company name').fill('Acme Trading');
    await page.getByLabel('Address', { exact: true }).fill('acme');
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await screenshot(page, 'console-web-sign-up-address');
    await page.getByRole('button', { name: 'Create company' }).click();
    await page.waitForURL(`${server.url}/t/acme/`);
    await page.getByRole('combobox', { name: 'Your status' }).waitFor();
    await expect(page.getByText('Ada Admin').isVisible()).resolves.toBe(true);
    // Links are right for this address, so nothing to warn about.
    await expect(page.locator('.address-warning').count()).resolves.toBe(0);
    const stored = await server.process.ctx.database.db.selectFrom('tenants').select('public_url').where('slug', '=', 'acme').executeTakeFirstOrThrow();
    expect(stored.public_url).toBe(server.url);
    expect(pageProblems(page)).toEqual([]);
  });

  it("gives the web chat's embed tag at the address the company signed up at, and follows the admin's change", async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Channels' }).click();
    const snippet = await addWebChat(page, 'Website');
    expect(snippet).toMatch(new RegExp(`^<script src="${server.url}/widget/widget.js" data-key="pk_`));
    expect(snippet).not.toContain('localhost');

    await page.getByRole('link', { name: 'Company address' }).click();
    const form = page.getByRole('form', { name: 'Company address' });
    await expect(form.getByLabel('Address').inputValue()).resolves.toBe(server.url);
    await form.getByLabel('Address').fill('https://help.acme.example');
    await form.getByRole('button', { name: 'Save address' }).click();
    await form.getByRole('status').filter({ hasText: 'Saved. New links use https://help.acme.example.' }).waitFor();
    await screenshot(page, 'console-web-company-address');
    await page.getByRole('link', { name: 'Channels' }).click();
    await page.getByRole('button', { name: 'Settings of Website' }).click();
    const moved = await page.getByRole('region', { name: 'Settings of Website' }).getByLabel('Embed code').inputValue();
    expect(moved).toMatch(/^<script src="https:\/\/help\.acme\.example\/widget\/widget\.js"/);

    // Pointed back at localhost while open at 127.0.0.1: the warning appears at once, with the way to fix it.
    await page.getByRole('link', { name: 'Company address' }).click();
    const port = new URL(server.url).port;
    await form.getByLabel('Address').fill(`http://localhost:${port}`);
    await form.getByRole('button', { name: 'Save address' }).click();
    const warning = page.getByRole('alert').filter({ hasText: `point at http://localhost:${port}, which only works on the server itself` });
    await warning.waitFor();
    await warning.getByRole('link', { name: 'Change the company address' }).waitFor();
    expect(pageProblems(page)).toEqual([]);
  });
});

describe.skipIf(!browserAvailable)('console web app: the warning when PUBLIC_URL says localhost', () => {
  let server: TestServer;
  let browser: Browser;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard({ PUBLIC_URL: 'http://localhost:3000' }), launchBrowser()]);
    await signUpCompany(server, { companyName: 'Local Co', slug: 'local-co' });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('warns every signed-in user that links point at localhost while the console is open at 127.0.0.1, naming the setting', async () => {
    const { page } = await newPage(browser);
    // The sign-up page asks for no address when the operator set one; it says which links will use.
    await page.goto(`${server.url}/sign-up`);
    await page.getByText('will start with http://localhost:3000 (the server’s PUBLIC_URL setting)').waitFor();
    await expect(page.getByLabel('Console URL').count()).resolves.toBe(0);
    await signIn(page, server, 'local-co');
    const warning = page.getByRole('alert').filter({ hasText: 'point at http://localhost:3000, which only works on the server itself' });
    await warning.waitFor();
    await expect(warning.textContent()).resolves.toContain('PUBLIC_URL');
    await screenshot(page, 'console-web-localhost-warning');

    const { page: zh } = await newPage(browser, { locale: 'zh-CN' });
    await zh.goto(`${server.url}/t/local-co/sign-in`);
    await zh.locator('input[type="email"]').fill('ada@example.com');
    await zh.locator('input[type="password"]').fill('correct horse battery');
    await zh.locator('button[type="submit"]').click();
    await zh.locator('.address-warning').waitFor();
    await expect(zh.locator('.address-warning').textContent()).resolves.toContain('该网址只在服务器本机上可用');
    expect(pageProblems(page)).toEqual([]);
  });
});
