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

/** What an admin added is changed in place: a routing rule, a canned reply whose variables an agent's insert fills. */
describe.skipIf(!browserAvailable)('console web app: everything added can be changed', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let adminId: string;
  const db = () => server.process.ctx.database.db;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ adminId } = await signUpCompany(server, { companyName: 'Edit Co', slug: 'edit-co' }));
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'edit-co');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('edits a routing rule: channel types are picked, not typed, and deleting asks first', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Routing rules' }).click();
    const add = admin.getByRole('form', { name: 'Add rule' });
    await add.getByLabel('Name').fill('Chat to support');
    await add.getByRole('checkbox', { name: 'Web chat' }).check();
    await add.getByLabel('Send to group').selectOption({ label: 'Support' });
    await add.getByRole('button', { name: 'Add rule' }).click();
    const rules = admin.getByRole('list', { name: 'Routing rules' });
    await rules.getByRole('listitem', { name: 'Chat to support' }).getByText('channel Web chat → group Support').waitFor();

    await rules.getByRole('button', { name: 'Edit Chat to support' }).click();
    const edit = admin.getByRole('form', { name: 'Edit rule Chat to support' });
    await expect(edit.getByRole('checkbox', { name: 'Web chat' }).isChecked()).resolves.toBe(true);
    await edit.getByLabel('Name').fill('Mail about refunds');
    await edit.getByLabel('When the message mentions').fill('refund, 退款');
    await edit.getByRole('checkbox', { name: 'Web chat' }).uncheck();
    await edit.getByRole('checkbox', { name: 'E-mail' }).check();
    await edit.getByLabel('Priority (−100 to 100)').fill('20');
    await screenshot(admin, 'console-web-rule-edit');
    await edit.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'The rule Mail about refunds is saved.' }).waitFor();
    await rules
      .getByRole('listitem', { name: 'Mail about refunds' })
      .getByText('mentions refund, 退款 · channel E-mail → group Support · priority 20')
      .waitFor();
    const stored = await db().selectFrom('routing_rules').select(['name', 'conditions', 'actions']).executeTakeFirstOrThrow();
    expect(stored.conditions).toEqual([
      { type: 'keyword', anyOf: ['refund', '退款'] },
      { type: 'channel', channelTypes: ['email'] },
    ]);
    expect(stored.actions).toMatchObject({ priority: 20 });

    await rules.getByRole('button', { name: 'Delete Mail about refunds' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete the rule Mail about refunds?' });
    await dialog.waitFor();
    await screenshot(admin, 'console-web-rule-delete-confirm');
    await admin.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await db().selectFrom('routing_rules').select('id').execute()).toHaveLength(1);
    await rules.getByRole('button', { name: 'Delete Mail about refunds' }).click();
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await admin.getByRole('status').filter({ hasText: 'The rule Mail about refunds is deleted.' }).waitFor();
    expect(await db().selectFrom('routing_rules').select('id').execute()).toHaveLength(0);
  });

  it('edits a canned reply with variables and a preview; inserting it fills in the customer', async () => {
    await admin.getByRole('link', { name: 'Canned responses' }).click();
    const add = admin.getByRole('form', { name: 'Add canned response' });
    await add.getByLabel('Shortcut').fill('hello');
    await add.getByLabel('Title').fill('Greeting');
    await add.getByLabel('Text').fill('Hello, how can I help?');
    await add.getByRole('button', { name: 'Add canned response' }).click();
    const table = admin.getByRole('table', { name: 'Canned responses' });
    await table.getByRole('row', { name: /Hello, how can I help\?/ }).waitFor();

    await table.getByRole('button', { name: 'Edit /hello' }).click();
    const edit = admin.getByRole('form', { name: 'Edit /hello' });
    const text = edit.getByLabel('Text');
    await text.fill('Hi ');
    await edit.getByRole('button', { name: "Customer's name" }).click();
    await text.press('End');
    await text.pressSequentially(', this is ');
    await edit.getByRole('button', { name: "Agent's name" }).click();
    await text.press('End');
    await text.pressSequentially('. We will write to ');
    await edit.getByRole('button', { name: "Customer's e-mail" }).click();
    await expect(text.inputValue()).resolves.toBe('Hi {{contact.name}}, this is {{agent.name}}. We will write to {{contact.email}}');
    await edit.getByRole('region', { name: 'Preview' }).getByText('Hi Jane Doe, this is Ada Admin. We will write to jane.doe@example.com').waitFor();
    await screenshot(admin, 'console-web-canned-edit');
    await edit.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: '/hello is saved.' }).waitFor();
    await table.getByRole('row', { name: /Hi \{\{contact\.name\}\}/ }).waitFor();
    expect(await db().selectFrom('canned_responses').select(['shortcut', 'title']).execute()).toEqual([{ shortcut: 'hello', title: 'Greeting' }]);

    const { conversationId } = await seedCustomerConversation(db(), {
      tenantSlug: 'edit-co',
      assigneeId: adminId,
      contactName: 'Wang Fang',
      messages: [{ direction: 'in', parts: [{ type: 'text', text: 'Where is my parcel?' }] }],
    });
    await admin.goto(`${server.url}/t/edit-co/conversations/${conversationId}`);
    const box = admin.getByRole('combobox', { name: /Write a reply/ });
    await box.fill('/hel');
    await admin.getByRole('option', { name: /hello/ }).waitFor();
    await box.press('Enter');
    await expect(box.inputValue()).resolves.toBe('Hi Wang Fang, this is Ada Admin. We will write to customer@example.com');
    await screenshot(admin, 'console-web-canned-filled');
    expect(pageProblems(admin)).toEqual([]);
  });

  it('renames a group and deletes it, moving its members to the group chosen in the dialog', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Groups' }).click();
    const add = admin.getByRole('form', { name: 'Add group' });
    await add.getByLabel('Name').fill('Sales');
    await add.getByRole('button', { name: 'Add group' }).click();
    const table = admin.getByRole('table', { name: 'Groups' });
    await table.getByRole('row', { name: /Sales/ }).waitFor();
    await table.getByRole('button', { name: 'Edit Sales' }).click();
    const edit = admin.getByRole('form', { name: 'Edit group Sales' });
    await edit.getByLabel('Name').fill('Pre-sales');
    await edit.getByLabel('Assignment').selectOption('least_busy');
    await edit.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'The group Pre-sales is saved.' }).waitFor();
    await expect(table.getByRole('row', { name: /Pre-sales/ }).textContent()).resolves.toContain('Least busy');

    const sales = await db().selectFrom('groups').select(['id', 'tenant_id']).where('name', '=', 'Pre-sales').executeTakeFirstOrThrow();
    await db()
      .insertInto('group_members')
      .values({ tenant_id: sales.tenant_id, group_id: sales.id, user_id: adminId })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await table.getByRole('button', { name: 'Delete Pre-sales' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Delete the group Pre-sales?' });
    await expect(dialog.getByLabel('Move its waiting conversations, open conversations and members to').inputValue()).resolves.not.toBe('');
    await dialog.getByLabel('Move its waiting conversations, open conversations and members to').selectOption({ label: 'Support' });
    await screenshot(admin, 'console-web-group-delete-move');
    await dialog.getByRole('button', { name: 'Delete' }).click();
    await admin.getByRole('status').filter({ hasText: 'The group Pre-sales is deleted; its conversations and members are in Support now.' }).waitFor();
    await table.getByRole('row', { name: /Pre-sales/ }).waitFor({ state: 'detached' });
    const support = await db().selectFrom('groups').select('id').where('name', '=', 'Support').executeTakeFirstOrThrow();
    expect(await db().selectFrom('group_members').select('user_id').where('group_id', '=', support.id).execute()).toEqual(
      expect.arrayContaining([{ user_id: adminId }]),
    );
  });

  it('edits an SLA policy, its channel types ticked from the installed connectors', async () => {
    await admin.getByRole('link', { name: 'SLA policies' }).click();
    const add = admin.getByRole('form', { name: 'Add SLA policy' });
    await add.getByLabel('Name').fill('Chat');
    await add.getByLabel('Normal: First response').fill('10');
    await add.getByRole('checkbox', { name: 'Web chat' }).check();
    await add.getByRole('button', { name: 'Add SLA policy' }).click();
    const table = admin.getByRole('table', { name: 'SLA policies' });
    await table.getByText('Normal: First response 10′').waitFor();
    await table.getByRole('button', { name: 'Edit Chat' }).click();
    const edit = admin.getByRole('form', { name: 'Edit SLA policy Chat' });
    await expect(edit.getByLabel('Normal: First response').inputValue()).resolves.toBe('10');
    await edit.getByLabel('Name').fill('Chat and mail');
    await edit.getByLabel('Normal: First response').fill('15');
    await edit.getByRole('checkbox', { name: 'E-mail' }).check();
    await screenshot(admin, 'console-web-sla-edit');
    await edit.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'Chat and mail is saved.' }).waitFor();
    await table.getByText('Normal: First response 15′').waitFor();
    const stored = await db().selectFrom('sla_policies').select(['name', 'match', 'targets']).executeTakeFirstOrThrow();
    expect(stored).toEqual({ name: 'Chat and mail', match: { channelTypes: ['web', 'email'] }, targets: { normal: { firstResponse: 15 } } });
    // Deleting asks first, naming the policy.
    await table.getByRole('button', { name: 'Delete Chat and mail' }).click();
    await admin
      .getByRole('dialog', { name: 'Delete the SLA policy Chat and mail? Tickets it covers lose its targets.' })
      .getByRole('button', { name: 'Delete' })
      .click();
    await admin.getByRole('status').filter({ hasText: 'The SLA policy Chat and mail is deleted.' }).waitFor();
    await admin.getByText('No SLA policies yet: tickets have no targets.').waitFor();
    expect(await db().selectFrom('sla_policies').select('id').execute()).toEqual([]);
  });
});
