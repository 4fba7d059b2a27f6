import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_PASSWORD, browserAvailable, launchBrowser, newPage, screenshot, startSwitchboard, type TestServer } from './support/browser.js';

/** Every error a page writes to the browser's console, failed requests included. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** A healthy console is quiet: an agent or a support engineer reading the console sees real faults only. */
describe.skipIf(!browserAvailable)('console web app: fast and steady', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard({ SIGNUP: 'first' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('logs no error in the browser console on the sign-up and sign-in pages and in the inbox', async () => {
    const { context, page } = await newPage(browser);
    const errors = consoleErrors(page);
    await page.goto(`${server.url}/`);
    await page.getByRole('heading').first().waitFor();
    await page.goto(`${server.url}/sign-up`);
    await page.getByLabel('Company name').fill('Acme Trading');
    await page.getByLabel('Address').fill('acme-steady');
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Create company' }).click();
    await page.waitForURL(`${server.url}/t/acme-steady/`);
    await page.getByRole('combobox', { name: 'Your status' }).waitFor();
    await page.reload();
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
    await page.waitForLoadState('networkidle');
    // Signed out, on the company's own sign-in page.
    await context.clearCookies();
    await page.goto(`${server.url}/t/acme-steady/sign-in`);
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'console-web-steady-sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("keeps the status the agent chose across sign-out and sign-in", async () => {
    const { context, page } = await newPage(browser);
    const status = page.getByRole('combobox', { name: 'Your status' });
    const signIn = async () => {
      await page.goto(`${server.url}/t/acme-steady/sign-in`);
      await page.getByLabel('E-mail').fill('ada@example.com');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await status.waitFor();
    };
    await signIn();
    await status.selectOption('online');
    await page.waitForLoadState('networkidle');
    for (const round of [1, 2]) {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('E-mail').waitFor();
      await signIn();
      // Give presence its time: a status that drifts after sign-in would show here.
      await page.waitForTimeout(1500);
      expect(await status.inputValue(), `sign-in ${round}`).toBe('online');
    }
    const db = server.process.ctx.database.db;
    const ada = await db.selectFrom('users').select('agent_status').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    expect(ada.agent_status).toBe('online');
    await context.close();
  });
});
