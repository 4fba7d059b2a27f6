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

/** The admin builds ticket automations with the form (no JSON), edits one, and it fires. */
describe.skipIf(!browserAvailable)('console web app: the automation form builder', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let vipGroupId: string;
  let cookie: string;
  let csrfToken: string;
  let contactId: string;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    let response: Response;
    ({ tenantId, response } = await signUpCompany(server, { companyName: 'Rules Co', slug: 'rules-co' }));
    cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    csrfToken = ((await response.json()) as { csrfToken: string }).csrfToken;
    contactId = (
      await db()
        .insertInto('contacts')
        .values({ tenant_id: tenantId, name: 'Wang Fang', email: 'wang@example.org', attributes: '{}' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    vipGroupId = (await db().insertInto('groups').values({ tenant_id: tenantId, name: 'VIP desk' }).returning('id').executeTakeFirstOrThrow()).id;
    await db().insertInto('groups').values({ tenant_id: tenantId, name: 'Front line' }).execute();
    ({ page } = await newPage(browser));
    await signIn(page, server, 'rules-co');
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('builds "urgent new ticket → tag vip and VIP desk" from rows, shows it in words, and it fires on the next urgent ticket', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'Automations' }).click();
    await page.getByText('No automations yet.').waitFor();
    const rule = page.getByRole('form', { name: 'Add automation' });
    await rule.getByLabel('Name').fill('Urgent to the VIP desk');
    await rule.getByLabel('Ticket created').check();
    await rule.getByRole('button', { name: 'Add condition' }).click();
    await rule.getByLabel('Condition 1: field').selectOption({ label: 'Priority' });
    await rule.getByLabel('Condition 1: value').selectOption({ label: 'Urgent' });
    // The first action row is there already (a rule needs one); a second is added.
    await rule.getByLabel('Action 1: kind').selectOption({ label: 'Assign' });
    await rule.getByLabel('Action 1: group').selectOption({ label: 'VIP desk' });
    await rule.getByRole('button', { name: 'Add action' }).click();
    await rule.getByLabel('Action 2: kind').selectOption({ label: 'Add tag' });
    await rule.getByLabel('Action 2: tag').fill('vip');
    // Reordered: the tag first, then the assignment.
    await rule.getByRole('button', { name: 'Move action 2 up' }).click();
    await expect(rule.getByLabel('Action 1: tag').inputValue()).resolves.toBe('vip');
    await rule.getByRole('button', { name: 'Add automation' }).click();
    await page.getByRole('status').filter({ hasText: 'Urgent to the VIP desk is added.' }).waitFor();

    const row = page.getByRole('table', { name: 'Automations' }).getByRole('row', { name: /Urgent to the VIP desk/ });
    await row.getByText('Priority is Urgent').waitFor();
    await row.getByText('Add tag: vip; Assign: VIP desk').waitFor();
    await screenshot(page, 'console-web-automation-builder');
    const stored = await db()
      .selectFrom('automations')
      .select(['kind', 'events', 'conditions', 'actions'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      kind: 'trigger',
      events: ['ticket.created'],
      conditions: [{ field: 'priority', op: 'is', value: 'urgent' }],
      actions: [
        { type: 'add_tag', tag: 'vip' },
        { type: 'assign', groupId: vipGroupId },
      ],
    });

    const created = await fetch(`${server.url}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken, 'x-switchboard-tenant': 'rules-co' },
      body: JSON.stringify({ subject: 'Our whole shop is down', priority: 'urgent', requesterId: contactId }),
    });
    const ticketBody = await created.text();
    expect(created.status, ticketBody).toBe(201);
    const ticket = await db()
      .selectFrom('tickets')
      .select(['tags', 'group_id'])
      .where('id', '=', (JSON.parse(ticketBody) as { id: string }).id)
      .executeTakeFirstOrThrow();
    expect(ticket).toEqual({ tags: ['vip'], group_id: vipGroupId });
  });

  it('loads a rule back into the form, changes it and keeps the change; the server’s refusal is shown in the form', async () => {
    await page.getByRole('button', { name: 'Edit Urgent to the VIP desk' }).click();
    const form = page.getByRole('form', { name: 'Edit automation: Urgent to the VIP desk' });
    await expect(form.getByLabel('Condition 1: value').inputValue()).resolves.toBe('urgent');
    await expect(form.getByLabel('Action 1: tag').inputValue()).resolves.toBe('vip');
    await expect(form.getByLabel('Action 2: group').inputValue()).resolves.toBe(vipGroupId);
    // No event left: the server says a trigger needs one.
    await form.getByLabel('Ticket created').uncheck();
    await form.getByRole('button', { name: 'Save automation' }).click();
    await form.getByRole('alert').filter({ hasText: 'a trigger needs at least one event' }).waitFor();
    await form.getByLabel('Ticket updated').check();
    await form.getByLabel('Condition 1: value').selectOption({ label: 'High' });
    await form.getByRole('button', { name: 'Remove action 2' }).click();
    await form.getByRole('button', { name: 'Save automation' }).click();
    await page.getByRole('status').filter({ hasText: 'Urgent to the VIP desk is saved.' }).waitFor();
    await page.reload();
    const row = page.getByRole('table', { name: 'Automations' }).getByRole('row', { name: /Urgent to the VIP desk/ });
    await row.getByText('Priority is High').waitFor();
    await row.getByText('Ticket updated').waitFor();
    const stored = await db().selectFrom('automations').select(['events', 'conditions', 'actions']).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect(stored).toEqual({
      events: ['ticket.updated'],
      conditions: [{ field: 'priority', op: 'is', value: 'high' }],
      actions: [{ type: 'add_tag', tag: 'vip' }],
    });
    expect(pageProblems(page)).toEqual([]);
  });

  it('builds the time rule "solved for 7 days → closed" from rows in days; after a reload it is listed in days and loads back into the form, where the unit can change', async () => {
    const rule = page.getByRole('form', { name: 'Add automation' });
    await rule.getByLabel('Name').fill('Close solved after a week');
    await rule.getByLabel('Time rule').check();
    await rule.getByRole('button', { name: 'Add condition' }).click();
    await rule.getByLabel('Condition 1: field').selectOption({ label: 'Status' });
    await rule.getByLabel('Condition 1: value').selectOption({ label: 'Solved' });
    // Without the "how long" row the server refuses the rule, and says so in the form.
    await rule.getByLabel('Action 1: kind').selectOption({ label: 'Set status' });
    await rule.getByLabel('Action 1: value').selectOption({ label: 'Closed' });
    await rule.getByRole('button', { name: 'Add automation' }).click();
    await rule.getByRole('alert').filter({ hasText: 'a time rule needs an hours_since' }).waitFor();
    await rule.getByRole('button', { name: 'Add condition' }).click();
    await rule.getByLabel('Condition 2: field').selectOption({ label: 'Time since the status changed' });
    await rule.getByLabel('Condition 2: operator').selectOption({ label: 'at least' });
    await rule.getByLabel('Condition 2: value').fill('7');
    await rule.getByLabel('Condition 2: unit').selectOption({ label: 'days' });
    await rule.getByRole('button', { name: 'Add automation' }).click();
    await page.getByRole('status').filter({ hasText: 'Close solved after a week is added.' }).waitFor();

    await page.reload();
    const row = page.getByRole('table', { name: 'Automations' }).getByRole('row', { name: /Close solved after a week/ });
    await row.getByText('Time rule').waitFor();
    await row.getByText('Status is Solved and Time since the status changed at least 7 days').waitFor();
    await row.getByText('Set status: Closed').waitFor();
    const stored = await db()
      .selectFrom('automations')
      .select(['kind', 'events', 'conditions', 'actions'])
      .where('tenant_id', '=', tenantId)
      .where('name', '=', 'Close solved after a week')
      .executeTakeFirstOrThrow();
    expect(stored).toEqual({
      kind: 'time',
      events: [],
      conditions: [
        { field: 'status', op: 'is', value: 'solved' },
        { field: 'hours_since_status_change', op: 'gte', value: 168 },
      ],
      actions: [{ type: 'set_status', value: 'closed' }],
    });

    await page.getByRole('button', { name: 'Edit Close solved after a week' }).click();
    const form = page.getByRole('form', { name: 'Edit automation: Close solved after a week' });
    await expect(form.getByLabel('Time rule').isChecked()).resolves.toBe(true);
    await expect(form.getByLabel('Condition 1: value').inputValue()).resolves.toBe('solved');
    await expect(form.getByLabel('Action 1: value').inputValue()).resolves.toBe('closed');
    await expect(form.getByLabel('Condition 2: value').inputValue()).resolves.toBe('7');
    await expect(form.getByLabel('Condition 2: unit').inputValue()).resolves.toBe('days');
    // Counted in hours instead, the same 7 becomes 7 hours.
    await form.getByLabel('Condition 2: unit').selectOption({ label: 'hours' });
    await form.getByRole('button', { name: 'Save automation' }).click();
    await page.getByRole('status').filter({ hasText: 'Close solved after a week is saved.' }).waitFor();
    await page
      .getByRole('table', { name: 'Automations' })
      .getByRole('row', { name: /Close solved after a week/ })
      .getByText('Time since the status changed at least 7 hours')
      .waitFor();
    const changed = await db()
      .selectFrom('automations')
      .select('conditions')
      .where('tenant_id', '=', tenantId)
      .where('name', '=', 'Close solved after a week')
      .executeTakeFirstOrThrow();
    expect(changed.conditions).toEqual([
      { field: 'status', op: 'is', value: 'solved' },
      { field: 'hours_since_status_change', op: 'gte', value: 7 },
    ]);
    expect(pageProblems(page)).toEqual([]);
  });
});
