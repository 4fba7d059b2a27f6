import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page, Route } from 'playwright-core';
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

/** The activation link in the newest mail to `to` in the embedded mode's mail folder (quoted-printable undone). */
function mailedLink(mailDir: string, to: string, path: string): string | undefined {
  const files = (() => {
    try {
      return readdirSync(mailDir).sort().reverse();
    } catch {
      return [];
    }
  })();
  for (const file of files) {
    const mail = readFileSync(join(mailDir, file), 'utf8')
      .replace(/=\r?\n/g, '')
      .replace(/=3D/gi, '=');
    if (!mail.includes(to)) continue;
    const link = new RegExp(`https?://\\S+${path}\\?token=[A-Za-z0-9_%-]+`).exec(mail)?.[0];
    if (link) return link;
  }
  return undefined;
}

/** An admin sets up a group and an agent in the settings; the agent activates from the mail and signs in. */
describe.skipIf(!browserAvailable)('console web app: admin settings and an agent’s first day', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    await signUpCompany(server, { companyName: 'Admin Co', slug: 'admin-co' });
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'admin-co');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('creates a group', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Groups' }).click();
    await admin.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    const form = admin.getByRole('form', { name: 'Add group' });
    await form.getByLabel('Name').fill('Billing');
    await form.getByLabel('Assignment').selectOption('least_busy');
    await form.getByRole('button', { name: 'Add group' }).click();
    const row = admin.getByRole('table', { name: 'Groups' }).getByRole('row', { name: /Billing/ });
    await row.waitFor();
    await expect(row.textContent()).resolves.toContain('Least busy');
    await expect(form.getByLabel('Name').inputValue()).resolves.toBe('');
    const skills = admin.getByRole('form', { name: 'Add skill' });
    await skills.getByLabel('Name').fill('Refunds');
    await skills.getByRole('button', { name: 'Add skill' }).click();
    await admin.getByRole('list', { name: 'Skills' }).getByText('Refunds').waitFor();
    await screenshot(admin, 'console-web-admin-groups');
  });

  it('keeps routing rules in order: adds, reorders and turns them off', async () => {
    await admin.getByRole('link', { name: 'Routing rules' }).click();
    const empty = admin.getByText('No routing rules yet: new conversations go to no group.');
    await empty.waitFor();
    const form = admin.getByRole('form', { name: 'Add rule' });
    await form.getByLabel('Name').fill('Refunds');
    await form.getByLabel('When the message mentions').fill('refund, 退款');
    await form.getByLabel('Send to group').selectOption({ label: 'Billing' });
    await form.getByLabel('Priority (−100 to 100)').fill('10');
    await form.getByRole('button', { name: 'Add rule' }).click();
    const rules = admin.getByRole('list', { name: 'Routing rules' });
    await rules.getByRole('listitem', { name: 'Refunds' }).getByText('mentions refund, 退款 → group Billing · priority 10').waitFor();
    expect(await empty.count()).toBe(0);
    await form.getByLabel('Name').fill('Everything else');
    await form.getByLabel('Send to group').selectOption({ label: 'Support' });
    await form.getByRole('button', { name: 'Add rule' }).click();
    await rules.getByRole('listitem', { name: 'Everything else' }).getByText('always → group Support').waitFor();
    expect(await rules.getByRole('listitem').evaluateAll((items) => items.map((item) => item.getAttribute('aria-label')))).toEqual([
      'Refunds',
      'Everything else',
    ]);

    // The list's reload after the move answers late: after the rule is turned off, before the
    // server has taken that change. What it read before the change must not turn the rule on again.
    const signal = () => {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      return { promise, resolve };
    };
    const listRead = signal();
    const turnedOff = signal();
    const staleShown = signal();
    const looked = signal();
    let reads = 0;
    const slowList = async (route: Route) => {
      const method = route.request().method();
      if (method === 'GET' && reads++ === 0) {
        const response = await route.fetch();
        listRead.resolve();
        await turnedOff.promise;
        await route.fulfill({ response });
        staleShown.resolve();
        return;
      }
      if (method === 'PATCH') await looked.promise;
      await route.fallback();
    };
    await admin.route(/\/api\/routing-rules(\/[^/]+)?$/, slowList);
    await admin.getByRole('button', { name: 'Move Everything else up' }).click();
    await eventually(async () => (await rules.getByRole('listitem').first().getAttribute('aria-label')) === 'Everything else');
    await listRead.promise;
    const refundsOn = rules.getByRole('listitem', { name: 'Refunds' }).getByRole('checkbox', { name: 'On' });
    await refundsOn.uncheck();
    turnedOff.resolve();
    await staleShown.promise;
    await new Promise((r) => setTimeout(r, 300));
    const afterStaleList = await refundsOn.isChecked();
    looked.resolve();
    expect(afterStaleList).toBe(false);
    await admin.unroute(/\/api\/routing-rules(\/[^/]+)?$/, slowList);
    const db = server.process.ctx.database.db;
    await eventually(async () => {
      const rows = await db.selectFrom('routing_rules').select(['name', 'position', 'enabled']).orderBy('position').execute();
      return rows.map((r) => `${r.name}:${r.enabled}`).join(',') === 'Everything else:true,Refunds:false';
    });
    await screenshot(admin, 'console-web-admin-routing');
  });

  it('adds a role and grants it permissions in the matrix; built-in roles stay as they are', async () => {
    await admin.getByRole('link', { name: 'Roles' }).click();
    const form = admin.getByRole('form', { name: 'Add role' });
    await form.getByLabel('Name').fill('Night shift');
    await form.getByRole('button', { name: 'Add role' }).click();
    const matrix = admin.getByRole('table', { name: 'Permissions by role' });
    const seeAll = matrix.getByRole('checkbox', { name: 'Night shift: See every conversation' });
    await seeAll.waitFor();
    expect(await seeAll.isChecked()).toBe(false);
    expect(await matrix.getByRole('checkbox', { name: 'Administrator: Manage roles' }).isDisabled()).toBe(true);
    await seeAll.check();
    await matrix.getByRole('checkbox', { name: 'Night shift: Reply and write notes' }).check();
    await matrix.getByRole('button', { name: 'Save Night shift' }).click();
    await admin.getByRole('status').filter({ hasText: 'The permissions of Night shift are saved.' }).waitFor();
    await admin.reload();
    await expect(matrix.getByRole('checkbox', { name: 'Night shift: See every conversation' }).isChecked()).resolves.toBe(true);
    await expect(matrix.getByRole('checkbox', { name: 'Night shift: Manage roles' }).isChecked()).resolves.toBe(false);
    const db = server.process.ctx.database.db;
    const granted = await db
      .selectFrom('role_permissions')
      .innerJoin('roles', 'roles.id', 'role_permissions.role_id')
      .select('permission')
      .where('roles.name', '=', 'Night shift')
      .orderBy('permission')
      .execute();
    expect(granted.map((g) => g.permission)).toEqual(['conversations.reply', 'conversations.view.all']);
    await screenshot(admin, 'console-web-admin-roles');
  });

  it('saves a canned response for agents to insert with /shortcut', async () => {
    await admin.getByRole('link', { name: 'Canned responses' }).click();
    const form = admin.getByRole('form', { name: 'Add canned response' });
    await form.getByLabel('Shortcut').fill('hello');
    await form.getByLabel('Title').fill('Greeting');
    await form.getByLabel('Text').fill('您好，请问有什么可以帮您？');
    await form.getByRole('button', { name: 'Add canned response' }).click();
    await admin
      .getByRole('table', { name: 'Canned responses' })
      .getByRole('row', { name: /\/hello.*Greeting/ })
      .waitFor();
    const db = server.process.ctx.database.db;
    const row = await db.selectFrom('canned_responses').select(['shortcut', 'body']).executeTakeFirstOrThrow();
    expect(row).toEqual({ shortcut: 'hello', body: '您好，请问有什么可以帮您？' });
    await screenshot(admin, 'console-web-admin-canned');
  });

  it('invites an agent with a role and a group; without SMTP the admin is told no mail went out', async () => {
    await admin.getByRole('link', { name: 'Agents' }).click();
    const form = admin.getByRole('form', { name: 'Invite an agent' });
    await form.getByLabel('Role').selectOption({ label: 'Agent' });
    await form.getByLabel('Name').fill('Bo Agent');
    await form.getByLabel('E-mail').fill('bo@example.com');
    // A group is required: the form says so before asking the server.
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await expect(form.getByRole('alert').textContent()).resolves.toBe('Choose at least one group.');
    await form.getByLabel('Billing').check();
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByRole('status').filter({ hasText: 'The account for bo@example.com was created, but no e-mail went out' }).waitFor();
    const row = admin.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /Bo Agent/ });
    await expect(row.textContent()).resolves.toMatch(/bo@example\.com.*Agent.*Billing.*Invited/);
    await screenshot(admin, 'console-web-admin-agents');
  });

  it("changes the agent's groups, capacity and skills", async () => {
    await admin.getByRole('button', { name: 'Edit Bo Agent' }).click();
    const form = admin.getByRole('form', { name: 'Edit Bo Agent' });
    await form.getByLabel('Support').check();
    await form.getByLabel('Refunds', { exact: true }).check();
    await form.getByLabel('Level of Refunds').selectOption('4');
    await form.getByLabel('chats').fill('3');
    await form.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'The agent is saved.' }).waitFor();
    // The list reloads after the save.
    await admin
      .getByRole('table', { name: 'Agents' })
      .getByRole('row', { name: /Bo Agent.*(Billing, Support|Support, Billing)/ })
      .waitFor();
    const db = server.process.ctx.database.db;
    const skills = await db
      .selectFrom('agent_skills')
      .innerJoin('users', 'users.id', 'agent_skills.user_id')
      .innerJoin('skills', 'skills.id', 'agent_skills.skill_id')
      .select(['skills.name', 'agent_skills.level'])
      .where('users.email', '=', 'bo@example.com')
      .execute();
    expect(skills).toEqual([{ name: 'Refunds', level: 4 }]);
    expect((await db.selectFrom('users').select('capacity').where('email', '=', 'bo@example.com').executeTakeFirstOrThrow()).capacity).toMatchObject({
      chat: 3,
    });
    await screenshot(admin, 'console-web-admin-agent-edited');
  });

  it('lets the agent activate from the mailed link, sign in, see the inbox an agent may see and go online', async () => {
    const link = (await eventually(() => mailedLink(server.mailDir, 'bo@example.com', '/activate'), { timeoutMs: 10_000 })) as string;
    expect(link.startsWith(`${server.url}/t/admin-co/activate?token=`)).toBe(true);
    const { context, page: agent } = await newPage(browser, { locale: 'zh-CN' });
    await agent.goto(link);
    await agent.getByRole('heading', { name: '设置密码' }).waitFor();
    await agent.getByLabel('新密码').fill('bo secret password');
    await agent.getByLabel('再次输入密码').fill('bo secret passw0rd');
    await agent.getByRole('button', { name: '保存' }).click();
    await expect(agent.getByRole('alert').textContent()).resolves.toBe('两次输入的密码不一致。');
    await agent.getByLabel('再次输入密码').fill('bo secret password');
    await agent.getByRole('button', { name: '保存' }).click();
    await agent.getByRole('status').filter({ hasText: '密码已设置。' }).waitFor();
    await agent.getByRole('link', { name: '登录' }).click();
    await agent.getByLabel('邮箱').fill('bo@example.com');
    await agent.getByLabel('密码').fill('bo secret password');
    await agent.getByRole('button', { name: '登录' }).click();
    await agent.getByRole('tab', { name: '我的', exact: true }).waitFor();
    expect(await agent.getByRole('tab').allTextContents()).toEqual(['我的', '未分配', '我的客服组']);
    // Agents have no settings.
    expect(await agent.getByRole('link', { name: '设置' }).count()).toBe(0);
    // The agent goes online from the top bar.
    await agent.getByRole('combobox', { name: '我的状态' }).selectOption('online');
    const db = server.process.ctx.database.db;
    await eventually(async () =>
      expect((await db.selectFrom('users').select('agent_status').where('email', '=', 'bo@example.com').executeTakeFirstOrThrow()).agent_status).toBe('online'),
    );
    expect(pageProblems(agent)).toEqual([]);
    await screenshot(agent, 'console-web-agent-inbox-zh');
    // A used link does not work twice.
    await agent.goto(link);
    await agent.getByLabel('新密码').fill('another password!');
    await agent.getByLabel('再次输入密码').fill('another password!');
    await agent.getByRole('button', { name: '保存' }).click();
    await expect(agent.getByRole('alert').textContent()).resolves.toBe('链接无效或已过期，请联系管理员重新发送。');
    await context.close();
    await admin.reload();
    await expect(
      admin
        .getByRole('table', { name: 'Agents' })
        .getByRole('row', { name: /Bo Agent/ })
        .textContent(),
    ).resolves.toContain('Active');
  });

  it('creates an API token shown once, which works until it is revoked; the audit log lists the changes', async () => {
    await admin.getByRole('link', { name: 'API tokens' }).click();
    const form = admin.getByRole('form', { name: 'Create token' });
    await form.getByLabel('Name').fill('nightly export');
    await form.getByLabel('See customers').check();
    await form.getByRole('button', { name: 'Create token' }).click();
    const token = (await admin.locator('.token-once code').textContent())!;
    expect(token.length).toBeGreaterThan(20);
    const contacts = () => fetch(`${server.url}/t/admin-co/api/contacts`, { headers: { Authorization: `Bearer ${token}` } });
    expect((await contacts()).status).toBe(200);
    // Its scope is all it may do.
    expect((await fetch(`${server.url}/t/admin-co/api/users`, { headers: { Authorization: `Bearer ${token}` } })).status).toBe(403);
    const row = admin.getByRole('table', { name: 'API tokens' }).getByRole('row', { name: /nightly export/ });
    await row.getByRole('button', { name: 'Revoke' }).click();
    await admin.getByRole('status').filter({ hasText: 'The token nightly export is revoked.' }).waitFor();
    expect((await contacts()).status).toBe(401);
    // After a reload the token is not shown again.
    await admin.reload();
    await admin
      .getByRole('table', { name: 'API tokens' })
      .getByRole('row', { name: /nightly export.*Revoked/ })
      .waitFor();
    expect(await admin.locator('.token-once').count()).toBe(0);

    await admin.getByRole('link', { name: 'Audit log' }).click();
    const log = admin.getByRole('table', { name: 'Audit log' });
    await log.getByRole('row', { name: /Ada Admin created the API token “nightly export”/ }).waitFor();
    for (const sentence of [
      /Ada Admin created the group “/,
      /Ada Admin created the role “/,
      /Ada Admin invited Bo Agent as Agent/,
      /Ada Admin revoked the API token “nightly export”/,
    ]) {
      expect(await log.getByRole('row', { name: sentence }).count(), String(sentence)).toBeGreaterThan(0);
    }
    await screenshot(admin, 'console-web-admin-audit');
  });
});
