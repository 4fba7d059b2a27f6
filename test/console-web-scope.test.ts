import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../console/server/auth/passwords.js';
import { assignConversation } from '../router/actions.js';
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

/** An agent who sees by group: a reply takes a waiting conversation; one transferred away leaves her list live. */
describe.skipIf(!browserAvailable)('console web app: group scope that follows the work', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let boId: string;
  let sales: string;
  let support: string;
  let waitingId: string;
  let salesId: string;
  let supportId: string;
  const db = () => server.process.ctx.database.db;
  const conversationOf = async (id: string) =>
    db().selectFrom('conversations').select(['status', 'assignee_id', 'group_id']).where('id', '=', id).executeTakeFirstOrThrow();
  const seed = async (contactName: string, assigneeId: string | null, groupId?: string) => {
    const seeded = await seedCustomerConversation(db(), {
      tenantSlug: 'scope-co',
      assigneeId,
      contactName,
      channel: { type: 'web', name: `${contactName} site` },
      messages: [{ direction: 'in', parts: [{ type: 'text', text: `Hello from ${contactName}` }] }],
    });
    await db()
      .updateTable('conversations')
      .set({ group_id: groupId ?? sales })
      .where('id', '=', seeded.conversationId)
      .execute();
    return seeded.conversationId;
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ tenantId } = await signUpCompany(server, { companyName: 'Scope Co', slug: 'scope-co' }));
    const agentRole = await db().selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow();
    boId = (
      await db()
        .insertInto('users')
        .values({
          tenant_id: tenantId,
          email: 'bo@example.com',
          name: 'Bo Agent',
          role_id: agentRole.id,
          password_hash: await hashPassword('agent password 1'),
          account_status: 'active',
          agent_status: 'online',
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    // Sales waits to be taken by hand, so nothing is handed out behind the test's back.
    sales = (await db().insertInto('groups').values({ tenant_id: tenantId, name: 'Sales', strategy: 'manual' }).returning('id').executeTakeFirstOrThrow()).id;
    await db().insertInto('group_members').values({ tenant_id: tenantId, group_id: sales, user_id: boId }).execute();
    support = (await db().selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'Support').executeTakeFirstOrThrow()).id;
    waitingId = await seed('Wang Fang', null);
    salesId = await seed('Zhao Lei', boId);
    // Support's conversation, which she sees only because it is hers.
    supportId = await seed('Chen Jing', boId, support);
    ({ page } = await newPage(browser));
    await signIn(page, server, 'scope-co', 'bo@example.com', 'agent password 1');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('takes a waiting conversation for the agent who replies, and says so before she sends', async () => {
    const id = waitingId;
    await page.getByRole('tab', { name: /Unassigned/ }).click();
    await page.getByRole('link', { name: /Wang Fang/ }).click();
    const box = page.getByRole('form', { name: 'Reply' });
    await box.getByText('Sending a reply takes this conversation for you.').waitFor();
    await screenshot(page, 'console-web-scope-waiting');
    await page.getByRole('combobox', { name: /Write a reply/ }).fill('Hello, I am on it');
    await box.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('toolbar', { name: 'Conversation actions' }).getByText('Assigned to Bo Agent').waitFor();
    await eventually(async () => expect(await conversationOf(id)).toMatchObject({ status: 'assigned', assignee_id: boId }));
    await expect(box.getByText('Sending a reply takes this conversation for you.').count()).resolves.toBe(0);
  });

  it('drops a conversation transferred to another group from her list at once, with a notice instead of an error', async () => {
    const id = salesId;
    await page.getByRole('tab', { name: /Mine/ }).click();
    const list = page.getByRole('tabpanel', { name: /Mine/ });
    await list.getByRole('link', { name: /Zhao Lei/ }).click();
    const actions = page.getByRole('toolbar', { name: 'Conversation actions' });
    await actions.getByRole('button', { name: 'Transfer' }).click();
    const form = page.getByRole('form', { name: 'Transfer the conversation' });
    await form.getByRole('radio', { name: 'A group' }).check();
    await form.getByLabel('Group', { exact: true }).selectOption({ label: 'Support' });
    await form.getByRole('button', { name: 'Transfer' }).click();
    await page.getByRole('status').filter({ hasText: 'This conversation was transferred to Support.' }).waitFor();
    await eventually(async () => expect(await list.getByRole('link', { name: /Zhao Lei/ }).count()).toBe(0));
    expect((await conversationOf(id)).assignee_id).toBeNull();
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
    await screenshot(page, 'console-web-scope-transferred');
  });

  it('drops one a supervisor gives to a colleague outside her view, live, without a reload', async () => {
    const id = supportId;
    const list = page.getByRole('tabpanel', { name: /Mine/ });
    await list.getByRole('link', { name: /Chen Jing/ }).waitFor();
    await list.getByRole('link', { name: /Chen Jing/ }).click();
    await page.getByRole('log', { name: 'Messages' }).getByText('Hello from Chen Jing').waitFor();
    const admin = await db()
      .selectFrom('users')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('email', '=', 'ada@example.com')
      .executeTakeFirstOrThrow();
    await db().updateTable('users').set({ agent_status: 'online' }).where('id', '=', admin.id).execute();
    // What the admin's Assign does, from another browser.
    await assignConversation(server.process.ctx, { tenantId, conversationId: id, agentId: admin.id, actorId: admin.id });
    await page.getByRole('status').filter({ hasText: 'This conversation was transferred to Ada Admin.' }).waitFor();
    await eventually(async () => expect(await list.getByRole('link', { name: /Chen Jing/ }).count()).toBe(0));
    await screenshot(page, 'console-web-scope-reassigned');
    expect(pageProblems(page)).toEqual([]);
  });
});
