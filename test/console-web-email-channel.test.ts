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

/** The admin adds a mailbox through the form its schema draws and checks it with "Test connection". */
describe.skipIf(!browserAvailable || !dovecotAvailable)('console web app: an e-mail channel and its connection test', () => {
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
    await signUpCompany(server, { companyName: 'Acme', slug: 'acme-mail' });
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'acme-mail');
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  it('names the refused IMAP password, then works once the right one is saved; no secret reaches the page', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Channels' }).click();
    const form = admin.getByRole('form', { name: 'Add channel' });
    await form.getByLabel('Type').selectOption({ label: 'E-mail' });
    await form.getByLabel('Name', { exact: true }).fill('Support mailbox');
    await form.getByLabel('Support address').fill(MAILBOX);
    await form.getByLabel('IMAP host').fill('127.0.0.1');
    await form.getByLabel('IMAP port').fill(String(dovecot.port));
    await form.getByLabel('IMAP security').selectOption('none');
    await form.getByLabel('IMAP user').fill(MAILBOX);
    await form.getByLabel('IMAP password', { exact: true }).fill('a-wrong-password');
    await form.getByLabel('SMTP host').fill('127.0.0.1');
    await form.getByLabel('SMTP port').fill(String(smtp.port));
    await form.getByLabel('SMTP security').selectOption('none');
    await form.getByLabel('SMTP user').fill(MAILBOX);
    await form.getByLabel('SMTP password', { exact: true }).fill(SMTP_PASSWORD);
    await form.getByRole('button', { name: 'Add channel' }).click();
    await admin.getByRole('status').filter({ hasText: 'Support mailbox is added.' }).waitFor();

    const settings = admin.getByRole('region', { name: 'Settings of Support mailbox' });
    const test = settings.getByRole('group', { name: 'Test connection' });
    await test.getByRole('button', { name: 'Test connection' }).click();
    const result = test.getByRole('status');
    await result.getByText('Connection failed.').waitFor({ timeout: 30_000 });
    const lines = result.getByRole('listitem');
    await expect(lines.filter({ hasText: /^IMAP/ }).textContent()).resolves.toMatch(/^IMAP — failed: IMAP: the server refused the login/);
    await expect(lines.filter({ hasText: /^SMTP/ }).textContent()).resolves.toBe('SMTP — works: logged in');
    await screenshot(admin, 'console-web-email-test-failed');

    // The right password, saved (the stored SMTP secret stays), and the test passes.
    await settings.getByLabel('IMAP password', { exact: true }).fill(IMAP_PASSWORD);
    await settings.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'The settings of Support mailbox are saved.' }).waitFor();
    await test.getByRole('button', { name: 'Test connection' }).click();
    await result.getByText('Connection works.').waitFor({ timeout: 30_000 });
    await expect(lines.filter({ hasText: /^IMAP/ }).textContent()).resolves.toMatch(/^IMAP — works: logged in; INBOX has \d+ mails; IDLE$/);

    const page = await admin.content();
    for (const secret of [IMAP_PASSWORD, SMTP_PASSWORD, 'a-wrong-password']) expect(page).not.toContain(secret);
    const audit = await server.process.ctx.database.db.selectFrom('audit_log').select('action').where('action', '=', 'channel.tested').execute();
    expect(audit).toHaveLength(2);
    expect(pageProblems(admin)).toEqual([]);
    await screenshot(admin, 'console-web-email-test-works');
  }, 120_000);

  it('offers no test for a channel type that cannot log in anywhere', async () => {
    const form = admin.getByRole('form', { name: 'Add channel' });
    await form.getByLabel('Type').selectOption({ label: 'Web chat' });
    await form.getByLabel('Name', { exact: true }).fill('Website');
    await form.getByRole('button', { name: 'Add channel' }).click();
    const settings = admin.getByRole('region', { name: 'Settings of Website' });
    await settings.getByRole('form', { name: 'Channel settings' }).waitFor();
    expect(await settings.getByRole('button', { name: 'Test connection' }).count()).toBe(0);
  });
});
