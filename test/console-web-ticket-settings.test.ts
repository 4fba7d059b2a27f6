import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../console/server/auth/passwords.js';
import { createTicket } from '../tickets/part.js';
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

/**
 * The admin sets up the company's ticket fields and status names in the settings; an agent then
 * sees them on a ticket, and sets its followers and due date there.
 */
describe.skipIf(!browserAvailable)('console web app: ticket fields, status names, followers and due date', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let adminId: string;
  let ticketId: string;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ tenantId, adminId } = await signUpCompany(server, { companyName: 'Fields Co', slug: 'fields-co' }));
    const agentRole = await db().selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow();
    const bo = await db()
      .insertInto('users')
      .values({
        tenant_id: tenantId,
        email: 'bo@example.com',
        name: 'Bo Agent',
        role_id: agentRole.id,
        password_hash: await hashPassword('agent password 1'),
        account_status: 'active',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const contact = await db()
      .insertInto('contacts')
      .values({ tenant_id: tenantId, name: 'Li Lei', email: 'li@example.org', attributes: '{}' })
      .returning('id')
      .executeTakeFirstOrThrow();
    ticketId = (
      await db()
        .transaction()
        .execute((trx) =>
          createTicket(
            trx,
            tenantId,
            { subject: 'Blender stopped working', requesterId: contact.id, via: 'api' },
            { actor: { type: 'user', id: adminId }, now: new Date() },
          ),
        )
    ).id;
    // Bo sees the tickets of his groups and his own: this one is his.
    await db().updateTable('tickets').set({ assignee_id: bo.id }).where('id', '=', ticketId).execute();
    ({ page } = await newPage(browser));
    await signIn(page, server, 'fields-co');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('adds a dropdown field and renames a status in the settings; the ticket page uses both', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Ticket fields and statuses' }).click();
    await page.getByText('No custom fields yet.').waitFor();

    const add = page.getByRole('form', { name: 'Add field' });
    await add.getByLabel('Label').fill('Product line');
    // A key the server refuses is named in the form (the browser's own check is left out here).
    await add.getByLabel('Key').evaluate((input: HTMLInputElement) => input.removeAttribute('pattern'));
    await add.getByLabel('Key').fill('Product Line');
    await add.getByLabel('Type').selectOption({ label: 'Dropdown' });
    await add.getByLabel('Options').fill('Blenders\nKettles, Toasters');
    await add.getByLabel('Solved').check();
    await add.getByRole('button', { name: 'Add field' }).click();
    await add.getByRole('alert').filter({ hasText: 'lowercase letters' }).waitFor();
    await add.getByLabel('Key').fill('product_line');
    await add.getByRole('button', { name: 'Add field' }).click();
    await page.getByRole('status').filter({ hasText: 'Field “Product line” added.' }).waitFor();
    const row = page.getByRole('table', { name: 'Custom fields' }).getByRole('row', { name: /Product line/ });
    await expect(row.textContent()).resolves.toContain('Blenders, Kettles, Toasters');
    await expect(row.textContent()).resolves.toContain('Solved');

    // The field is changed later: an option is added; taking them all away is refused, and said so.
    await page.getByRole('button', { name: 'Edit the field Product line' }).click();
    const edit = page.getByRole('form', { name: 'Edit the field Product line' });
    await expect(edit.getByLabel('Options').inputValue()).resolves.toBe('Blenders\nKettles\nToasters');
    await edit.getByLabel('Options').fill('');
    await edit.getByRole('button', { name: 'Save field' }).click();
    await edit.getByRole('alert').filter({ hasText: 'needs options' }).waitFor();
    await edit.getByLabel('Options').fill('Blenders, Kettles, Toasters, Mixers');
    await edit.getByRole('button', { name: 'Save field' }).click();
    await page.getByRole('status').filter({ hasText: 'Field “Product line” saved.' }).waitFor();
    await row.getByText('Blenders, Kettles, Toasters, Mixers').waitFor();

    const names = page.getByRole('form', { name: 'Status names' });
    await names.getByLabel('On hold: name in English').fill('Waiting on supplier');
    await names.getByLabel('On hold: name in 中文').fill('等待供应商');
    await names.getByRole('button', { name: 'Save status names' }).click();
    await page.getByRole('status').filter({ hasText: 'Status names saved.' }).waitFor();
    await screenshot(page, 'console-web-ticket-settings');

    const stored = await db().selectFrom('ticket_fields').selectAll().where('tenant_id', '=', tenantId).execute();
    expect(stored.map((f) => ({ key: f.key, type: f.type, options: f.options, required: f.required_on }))).toEqual([
      { key: 'product_line', type: 'dropdown', options: ['Blenders', 'Kettles', 'Toasters', 'Mixers'], required: ['solved'] },
    ]);

    await page.goto(`${server.url}/t/fields-co/tickets/${ticketId}`);
    const fields = page.getByRole('form', { name: 'Ticket fields' });
    await fields.getByLabel('Product line').selectOption('Mixers');
    await fields.getByLabel('Status').selectOption({ label: 'Waiting on supplier' });
    await fields.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket saved.' }).waitFor();
    await page.getByText(/Waiting on supplier · /).waitFor();
    const saved = await db().selectFrom('tickets').select(['status', 'fields']).where('id', '=', ticketId).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ status: 'on_hold', fields: { product_line: 'Mixers' } });
  });

  it('an agent sets the followers and the due date on a ticket, kept after a reload', async () => {
    ({ page } = await newPage(browser));
    await signIn(page, server, 'fields-co', 'bo@example.com', 'agent password 1');
    await page.goto(`${server.url}/t/fields-co/tickets/${ticketId}`);
    const fields = page.getByRole('form', { name: 'Ticket fields' });
    const followers = fields.getByRole('group', { name: 'Followers' });
    await followers.getByLabel('Bo Agent').check();
    await followers.getByLabel('Ada Admin').check();
    await fields.getByLabel('Due').fill('2027-03-15T17:30');
    await fields.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket saved.' }).waitFor();

    await page.reload();
    await page.getByText('Followed by Ada Admin, Bo Agent').or(page.getByText('Followed by Bo Agent, Ada Admin')).waitFor();
    const due = await page.evaluate(() => new Date('2027-03-15T17:30').toISOString());
    await page.locator(`time[datetime="${due}"]`).waitFor();
    const reloaded = page.getByRole('form', { name: 'Ticket fields' });
    await expect(reloaded.getByLabel('Due').inputValue()).resolves.toBe('2027-03-15T17:30');
    await expect(reloaded.getByRole('group', { name: 'Followers' }).getByLabel('Bo Agent').isChecked()).resolves.toBe(true);
    const stored = await db()
      .selectFrom('ticket_followers')
      .innerJoin('users', 'users.id', 'ticket_followers.user_id')
      .select('users.name')
      .where('ticket_id', '=', ticketId)
      .orderBy('users.name')
      .execute();
    expect(stored.map((f) => f.name)).toEqual(['Ada Admin', 'Bo Agent']);
    expect(new Date((await db().selectFrom('tickets').select('due_at').where('id', '=', ticketId).executeTakeFirstOrThrow()).due_at!).toISOString()).toBe(due);

    // The list shows the due date in its own column (created and updated are today, not 15 March).
    await page.goto(`${server.url}/t/fields-co/tickets`);
    await page.getByRole('columnheader', { name: 'Due' }).waitFor();
    await expect(page.getByRole('row', { name: /Blender stopped working/ }).textContent()).resolves.toContain('15 Mar, 17:30');
    await page.goto(`${server.url}/t/fields-co/tickets/${ticketId}`);

    // Taking a follower off and clearing the due date are kept too, and the history names them.
    await reloaded.getByRole('group', { name: 'Followers' }).getByLabel('Ada Admin').uncheck();
    await reloaded.getByLabel('Due').fill('');
    await reloaded.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket saved.' }).waitFor();
    await page.getByText('Followed by Bo Agent').waitFor();
    expect((await db().selectFrom('tickets').select('due_at').where('id', '=', ticketId).executeTakeFirstOrThrow()).due_at).toBeNull();
    // The ticket's header follows the saved ticket a moment after the form does.
    await expect.poll(() => page.locator('time[datetime]').filter({ hasText: 'Due' }).count()).toBe(0);
    expect(pageProblems(page)).toEqual([]);
  });
});
