import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import {
  browserAvailable,
  launchBrowser,
  newPage,
  pageProblems,
  screenshot,
  startSwitchboard,
  type TestServer,
  signUpCompany,
  signIn,
} from './support/browser.js';
import { eventually } from './support/services.js';
import { seedCustomerConversation } from './support/web-world.js';

/** An admin writes a macro; an agent runs it on a conversation with one click and schedules a follow-up. */
describe.skipIf(!browserAvailable)('console web app: macros and scheduled messages', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let conversationId: string;
  let contactId: string;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { adminId } = await signUpCompany(server, { companyName: 'Macro Co', slug: 'macro-co' });
    ({ conversationId, contactId } = await seedCustomerConversation(db(), {
      tenantSlug: 'macro-co',
      assigneeId: adminId,
      contactName: 'Li Lei',
      messages: [{ direction: 'in', parts: [{ type: 'text', text: 'Where is my refund?' }] }],
    }));
    ({ page } = await newPage(browser));
    await signIn(page, server, 'macro-co');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('adds a macro in the admin pages', async () => {
    await page.goto(`${server.url}/t/macro-co/admin/macros`);
    const form = page.getByRole('form', { name: 'Add macro' });
    await form.getByLabel('Name').fill('Refund sent');
    await form.getByRole('textbox', { name: 'Reply' }).fill('Hello {{contact.name}}, your refund is on its way.');
    await form.getByRole('button', { name: 'Add an action' }).click();
    await form.getByRole('group', { name: 'Step 2' }).getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Tag the customer' });
    await form.getByRole('group', { name: 'Step 2' }).getByRole('textbox').fill('refund');
    await form.getByRole('button', { name: 'Add an action' }).click();
    await form.getByRole('group', { name: 'Step 3' }).getByRole('combobox', { name: 'Action' }).selectOption({ label: 'Set priority' });
    await form.getByRole('group', { name: 'Step 3' }).getByRole('spinbutton').fill('3');
    await form.getByRole('button', { name: 'Add macro' }).click();
    await page.getByRole('status').filter({ hasText: '“Refund sent” is saved.' }).waitFor();
    await page.getByRole('table', { name: 'Macros' }).getByText('Tag the customer: refund').waitFor();
    await screenshot(page, 'console-web-macros-admin');
  });

  it('runs the macro from the conversation with one click, and schedules and cancels a follow-up', async () => {
    await page.goto(`${server.url}/t/macro-co/conversations/${conversationId}`);
    await page.getByRole('button', { name: /^Macros/ }).click();
    await page.getByRole('menuitem', { name: 'Refund sent' }).click();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Hello Li Lei, your refund is on its way.').waitFor();
    await page.getByRole('status').filter({ hasText: '“Refund sent” is done.' }).waitFor();
    const contact = await db().selectFrom('contacts').select('tags').where('id', '=', contactId).executeTakeFirstOrThrow();
    expect(contact.tags).toEqual(['refund']);
    expect((await db().selectFrom('conversations').select('priority').where('id', '=', conversationId).executeTakeFirstOrThrow()).priority).toBe(3);

    await page.getByRole('combobox', { name: /Write a reply/ }).fill('Did the refund arrive?');
    await page.getByRole('button', { name: 'Send later' }).click();
    await page.getByRole('button', { name: 'Schedule' }).click();
    const scheduled = page.getByRole('list', { name: 'Scheduled messages' });
    await scheduled.getByText('Did the refund arrive?').waitFor();
    await expect(scheduled.getByText(/Scheduled for/).count()).resolves.toBe(1);
    await screenshot(page, 'console-web-macros-run');
    await scheduled.getByRole('button', { name: /Cancel the message scheduled for/ }).click();
    await eventually(async () => expect(await page.getByRole('list', { name: 'Scheduled messages' }).count()).toBe(0));
    expect(await db().selectFrom('jobs').select('id').where('kind', '=', 'conversation.scheduled_reply').execute()).toEqual([]);
    expect(pageProblems(page)).toEqual([]);
  });
});
