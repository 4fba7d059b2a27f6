import { createServer } from 'node:net';
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
import { dovecotAvailable, startDovecot, type Dovecot } from './support/dovecot.js';
import { startSmtpServer } from './support/smtp.js';

const MAILBOX = 'support@acme.test';
const IMAP_PASSWORD = 'imap-right-Pa55';
const SMTP_PASSWORD = 'smtp-right-Pa55';

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Issue 27, defects 5 and 7: a failing mailbox reads "Error" in the list; settings are tested before saving, in the admin's language. */
describe.skipIf(!browserAvailable || !dovecotAvailable)('console web app: channel health and testing before saving', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let dovecot: Dovecot;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;

  beforeAll(async () => {
    [server, browser, dovecot, smtp] = await Promise.all([
      startSwitchboard(),
      launchBrowser(),
      startDovecot({ users: { [MAILBOX]: IMAP_PASSWORD } }),
      startSmtpServer({ credentials: { user: MAILBOX, pass: SMTP_PASSWORD } }),
    ]);
    await signUpCompany(server, { companyName: 'Acme', slug: 'acme-health' });
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'acme-health');
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  it('tests unsaved settings, names a missing setting, and shows a mailbox that cannot be read as an error until it is fixed, without a reload', async () => {
    const imapPort = await closedPort();
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Channels' }).click();
    const form = admin.getByRole('form', { name: 'Add channel' });
    await form.getByLabel('Type').selectOption({ label: 'E-mail' });
    await form.getByLabel('Name', { exact: true }).fill('Support mailbox');
    await form.getByLabel('Support address').fill(MAILBOX);
    await form.getByLabel('IMAP host').fill('127.0.0.1');
    await form.getByLabel('IMAP port').fill(String(imapPort));
    await form.getByLabel('IMAP security').selectOption('none');
    await form.getByLabel('IMAP user').fill(MAILBOX);
    await form.getByLabel('SMTP host').fill('127.0.0.1');
    await form.getByLabel('SMTP port').fill(String(smtp.port));
    await form.getByLabel('SMTP security').selectOption('none');
    await form.getByLabel('SMTP user').fill(MAILBOX);
    await form.getByLabel('SMTP password', { exact: true }).fill(SMTP_PASSWORD);

    // Before saving: the test names the setting left out, by its label.
    const test = form.getByRole('group', { name: 'Test connection' });
    await test.getByRole('button', { name: 'Test connection' }).click();
    await expect(test.getByRole('alert').textContent()).resolves.toBe('IMAP password: required');

    // With the password, the test reaches the servers: IMAP's closed port is named, SMTP works; nothing is saved.
    await form.getByLabel('IMAP password', { exact: true }).fill(IMAP_PASSWORD);
    await test.getByRole('button', { name: 'Test connection' }).click();
    const result = test.getByRole('status');
    await result.getByText('Connection failed.').waitFor({ timeout: 30_000 });
    await expect(result.getByRole('listitem').filter({ hasText: /^IMAP/ }).textContent()).resolves.toBe(
      `IMAP — failed: IMAP: could not connect to 127.0.0.1:${imapPort} (check the host, the port and the security setting)`,
    );
    await expect(result.getByRole('listitem').filter({ hasText: /^SMTP/ }).textContent()).resolves.toBe('SMTP — works: logged in');
    const db = server.process.ctx.database.db;
    expect(await db.selectFrom('channels').select('id').execute()).toEqual([]);
    await screenshot(admin, 'console-web-channel-test-before-saving');

    // Added as it is: the mailbox loop fails, and the list says so with the reason and time.
    await form.getByRole('button', { name: 'Add channel' }).click();
    await admin.getByRole('status').filter({ hasText: 'Support mailbox is added.' }).waitFor();
    const row = admin.getByRole('table', { name: 'Channels' }).getByRole('row').filter({ hasText: 'Support mailbox' });
    await row.getByText('Error', { exact: true }).waitFor({ timeout: 20_000 });
    await expect(row.textContent()).resolves.toContain(`IMAP: could not connect to 127.0.0.1:${imapPort}`);
    await expect(row.textContent()).resolves.toMatch(/since \d{2}\/\d{2}\/\d{4}, \d{2}:\d{2}:\d{2}/);
    await row.scrollIntoViewIfNeeded();
    await screenshot(admin, 'console-web-channel-health-error');

    // The right port (and the password again, as a new address needs): the row is "On" again.
    const settings = admin.getByRole('region', { name: 'Settings of Support mailbox' });
    await settings.getByLabel('IMAP port').fill(String(dovecot.port));
    await settings.getByLabel('IMAP password', { exact: true }).fill(IMAP_PASSWORD);
    await settings.getByRole('button', { name: 'Save' }).click();
    await row.getByRole('cell', { name: 'On', exact: true }).waitFor({ timeout: 20_000 });
    expect(await row.getByText('Error', { exact: true }).count()).toBe(0);
    const page = await admin.content();
    for (const secret of [IMAP_PASSWORD, SMTP_PASSWORD]) expect(page).not.toContain(secret);
    expect(pageProblems(admin)).toEqual([]);
    await row.scrollIntoViewIfNeeded();
    await screenshot(admin, 'console-web-channel-health-ok');
  }, 120_000);

  it('labels the settings in Chinese in the Chinese console', async () => {
    await admin.evaluate(() => localStorage.setItem('switchboard.language', 'zh'));
    await admin.reload();
    const form = admin.getByRole('form', { name: '添加渠道' });
    await form.getByLabel('类型').selectOption({ label: 'E-mail' });
    await form.getByLabel('IMAP 密码', { exact: true }).waitFor();
    await form.getByLabel('IMAP 密码', { exact: true }).scrollIntoViewIfNeeded();
    await form.getByLabel('客服邮箱地址').waitFor();
    await expect(form.textContent()).resolves.toContain('从哪个文件夹读取新邮件');
    await expect(form.getByRole('group', { name: '测试连接' }).textContent()).resolves.toContain('不会保存任何内容');
    await screenshot(admin, 'console-web-channel-labels-zh');
    await admin.evaluate(() => localStorage.setItem('switchboard.language', 'en'));
  });
});
