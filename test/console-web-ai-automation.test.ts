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

/** The admin adds a rule that lets the company's model classify new tickets, with the form. */
describe.skipIf(!browserAvailable)('console web app: the AI classification action', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ tenantId } = await signUpCompany(server, { companyName: 'AI Rules Co', slug: 'ai-rules-co' }));
    ({ page } = await newPage(browser));
    await signIn(page, server, 'ai-rules-co');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('offers "Let AI classify" with what the model decides, stores it and says it in words', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Automations' }).click();
    const rule = page.getByRole('form', { name: 'Add automation' });
    await rule.getByLabel('Name').fill('Classify new tickets');
    await rule.getByLabel('Ticket created').check();
    await rule.getByLabel('Action 1: kind').selectOption({ label: 'Let AI classify' });
    const asks = rule.getByRole('group', { name: 'Action 1: what AI decides' });
    await asks.getByLabel('Language').uncheck();
    await screenshot(page, 'console-web-ai-automation-form');
    await rule.getByRole('button', { name: 'Add automation' }).click();
    await page.getByRole('status').filter({ hasText: 'Classify new tickets is added.' }).waitFor();
    const row = page.getByRole('table', { name: 'Automations' }).getByRole('row', { name: /Classify new tickets/ });
    await row.getByText('Let AI classify: Intent, Tags, Priority, Sentiment').waitFor();
    await screenshot(page, 'console-web-ai-automation-list');
    const stored = await db().selectFrom('automations').select('actions').where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect(stored.actions).toEqual([{ type: 'ai_classify', intent: true, tag: true, priority: true, language: false, sentiment: true }]);
    expect(pageProblems(page)).toEqual([]);
  }, 120_000);
});
