import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/** Issue 27: without SMTP the inviting admin copies the link; the audit log reads as sentences. */
describe.skipIf(!browserAvailable)('console web app: mail without SMTP, and the audit log in words', () => {
  let server: TestServer;
  let browser: Browser;
  let api: (method: string, path: string, body?: unknown) => Promise<Response>;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { response } = await signUpCompany(server, { companyName: 'Mail Co', slug: 'mail-co' });
    const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = (await response.json()) as { csrfToken: string };
    api = (method, path, body) =>
      fetch(`${server.url}/t/mail-co/api${path}`, {
        method,
        headers: { Cookie: cookie, 'X-CSRF-Token': csrfToken, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('tells the admin mail is not set up, shows the invitation link once to copy, and the link lets the agent in', async () => {
    const { context, page: admin } = await newPage(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(admin, server, 'mail-co');
    await admin.goto(`${server.url}/t/mail-co/admin/agents`);
    await admin.getByRole('note').filter({ hasText: 'E-mail is not set up: invitations and password resets are not sent; copy the link instead.' }).waitFor();
    await expect(admin.getByRole('note').textContent()).resolves.toContain(server.mailDir);

    const form = admin.getByRole('form', { name: 'Invite an agent' });
    await form.getByLabel('Name').fill('Mei Agent');
    await form.getByLabel('E-mail').fill('mei@example.com');
    await form.locator('input[name="groupIds"]').first().check();
    await form.getByRole('button', { name: 'Send invitation' }).click();
    await admin.getByRole('status').filter({ hasText: 'no e-mail went out' }).waitFor();
    const shown = admin.locator('.link-once');
    await shown.getByText('Invitation link for Mei Agent, shown only now.').waitFor();
    const link = (await shown.locator('code').textContent())!;
    expect(link.startsWith(`${server.url}/t/mail-co/activate?token=`)).toBe(true);
    await shown.getByRole('button', { name: 'Copy' }).click();
    await shown.getByRole('button', { name: 'Copied' }).waitFor();
    expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await screenshot(admin, 'console-web-mail-invitation-link');
    // Shown once: a reload does not bring it back.
    await admin.reload();
    await admin
      .getByRole('table', { name: 'Agents' })
      .getByRole('row', { name: /Mei Agent/ })
      .waitFor();
    expect(await admin.locator('.link-once').count()).toBe(0);

    const { context: agentContext, page: agent } = await newPage(browser);
    await agent.goto(link);
    await agent.getByLabel('New password').fill('mei secret password');
    await agent.getByLabel('Repeat the password').fill('mei secret password');
    await agent.getByRole('button', { name: 'Save' }).click();
    await agent.getByRole('status').filter({ hasText: 'Your password is set.' }).waitFor();
    await signIn(agent, server, 'mail-co', 'mei@example.com', 'mei secret password');
    expect(pageProblems(agent)).toEqual([]);
    await agentContext.close();

    // An admin's reset for an active agent gives its link the same way.
    await admin.reload();
    await admin
      .getByRole('table', { name: 'Agents' })
      .getByRole('row', { name: /Mei Agent.*Active/ })
      .waitFor();
    await admin.getByRole('button', { name: 'Reset the password of Mei Agent' }).click();
    await admin.locator('.link-once').getByText('Password-reset link for Mei Agent').waitFor();
    expect(await admin.locator('.link-once code').textContent()).toContain('/t/mail-co/reset-password?token=');
    await screenshot(admin, 'console-web-mail-reset-link');
    expect(pageProblems(admin)).toEqual([]);
    await context.close();
  });

  it('shows the audit log as sentences with names, not ids, filtered, in English and Chinese', async () => {
    const roles = ((await (await api('GET', '/roles')).json()) as { roles: { id: string; name: string }[] }).roles;
    const groups = ((await (await api('GET', '/groups')).json()) as { groups: { id: string }[] }).groups;
    const invited = await api('POST', '/users', {
      email: 'bo@example.com',
      name: 'Bo Agent',
      roleId: roles.find((r) => r.name === 'agent')!.id,
      groupIds: [groups[0]!.id],
    });
    const bo = ((await invited.json()) as { user: { id: string } }).user;
    const role = (await (await api('POST', '/roles', { name: 'Supervisor', permissions: ['conversations.view.all'] })).json()) as { id: string };
    expect((await api('PATCH', `/users/${bo.id}`, { roleId: role.id })).status).toBe(200);
    expect((await api('POST', '/api-tokens', { name: 'CRM sync', scopes: ['contacts.view'] })).status).toBe(201);

    const { context, page: admin } = await newPage(browser);
    await signIn(admin, server, 'mail-co');
    await admin.goto(`${server.url}/t/mail-co/admin/audit-log`);
    const log = admin.getByRole('table', { name: 'Audit log' });
    await log.getByRole('row', { name: /Ada Admin changed Bo Agent’s role to Supervisor/ }).waitFor();
    await log.getByRole('row', { name: /Ada Admin created the API token “CRM sync”/ }).waitFor();
    await log.getByRole('row', { name: /Ada Admin invited Bo Agent as Agent/ }).waitFor();
    const text = (await log.textContent())!;
    expect(text).not.toMatch(UUID);
    expect(text).not.toContain('{');
    await screenshot(admin, 'console-web-mail-audit-en');

    // About API tokens only.
    await admin.getByLabel('About').selectOption({ label: 'the API token' });
    await admin.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => log.locator('tbody tr').count()).toBe(1);
    expect(await log.locator('tbody tr').allTextContents()).toEqual([expect.stringContaining('Ada Admin created the API token “CRM sync”')]);
    // A range before today has nothing.
    await admin.getByLabel('To').fill('2020-01-01');
    await admin.getByRole('button', { name: 'Show' }).click();
    await admin.getByText('Nothing was changed in this period.').waitFor();

    await admin.evaluate(() => localStorage.setItem('switchboard.language', 'zh'));
    await admin.reload();
    const zhLog = admin.getByRole('table', { name: '操作日志' });
    await zhLog.getByRole('row', { name: /Ada Admin 把 Bo Agent 的角色改为Supervisor/ }).waitFor();
    await zhLog.getByRole('row', { name: /Ada Admin 创建了 API 令牌「CRM sync」/ }).waitFor();
    expect((await zhLog.textContent())!).not.toMatch(UUID);
    await screenshot(admin, 'console-web-mail-audit-zh');
    expect(pageProblems(admin)).toEqual([]);
    await context.close();
  });
});
