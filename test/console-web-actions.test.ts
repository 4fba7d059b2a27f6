import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { hashPassword } from '../console/server/auth/passwords.js';
import { AttachmentStore } from '../core/attachments/store.js';
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

// A 2×2 red PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==', 'base64');

/** An agent works a conversation: status, files both ways, transfer with a note, assign, resolve, reopen. */
describe.skipIf(!browserAvailable)('console web app: conversation actions, status and files', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let conversationId: string;
  let tenantId: string;
  let adminId: string;
  let boId: string;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ tenantId, adminId } = await signUpCompany(server, { companyName: 'Files Co', slug: 'files-co' }));
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
    await db().insertInto('groups').values({ tenant_id: tenantId, name: 'Billing' }).execute();
    const seeded = await seedCustomerConversation(db(), {
      tenantSlug: 'files-co',
      assigneeId: adminId,
      contactName: 'Li Lei',
      messages: [{ direction: 'in', parts: [{ type: 'text', text: 'My receipt is attached' }] }],
    });
    conversationId = seeded.conversationId;
    // The visitor's files, as the web chat keeps them: stored on the channel, carried by a message.
    const store = new AttachmentStore(db(), server.process.ctx.config.dataDir);
    const photo = await store.put(tenantId, seeded.channelId, { owner: 'visitor-1', name: 'receipt.png', bytes: PNG });
    const html = await store.put(tenantId, seeded.channelId, {
      owner: 'visitor-1',
      name: 'order.html',
      bytes: Buffer.from('<script>alert(1)</script>'),
      declaredType: 'text/html',
    });
    await db()
      .insertInto('messages')
      .values({
        tenant_id: tenantId,
        conversation_id: conversationId,
        channel_id: seeded.channelId,
        direction: 'in',
        sender_type: 'contact',
        sender_id: seeded.contactId,
        external_id: 'files-1',
        client_id: null,
        content: JSON.stringify([
          { type: 'image', attachmentId: photo.id, name: photo.name, mimeType: photo.mimeType, size: photo.size },
          { type: 'file', attachmentId: html.id, name: html.name, mimeType: html.mimeType, size: html.size },
        ]),
        error: null,
      })
      .execute();
    ({ page } = await newPage(browser));
    await signIn(page, server, 'files-co');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('switches the agent’s own status from the top bar', async () => {
    const status = page.getByRole('combobox', { name: 'Your status' });
    await status.selectOption({ label: 'Busy' });
    await eventually(async () =>
      expect((await db().selectFrom('users').select('agent_status').where('id', '=', adminId).executeTakeFirstOrThrow()).agent_status).toBe('busy'),
    );
    await status.selectOption({ label: 'Online' });
    await eventually(async () =>
      expect((await db().selectFrom('users').select('agent_status').where('id', '=', adminId).executeTakeFirstOrThrow()).agent_status).toBe('online'),
    );
    await expect(status.inputValue()).resolves.toBe('online');
    await screenshot(page, 'console-web-status-online');
  });

  it('previews the customer’s image and offers their file as a download that cannot run', async () => {
    await page.getByRole('link', { name: /Li Lei/ }).click();
    const log = page.getByRole('log', { name: 'Messages' });
    const image = log.getByRole('img', { name: 'receipt.png' });
    await image.waitFor();
    await eventually(async () => expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2));
    const file = log.getByRole('link', { name: /order\.html/ });
    const href = await file.getAttribute('href');
    expect(href).toMatch(/\/api\/attachments\/[0-9a-f-]{36}$/);
    const download = await page.request.get(new URL(href!, server.url).toString());
    expect(download.status()).toBe(200);
    expect(download.headers()['content-type']).toBe('application/octet-stream');
    expect(download.headers()['content-disposition']).toMatch(/^attachment; filename="order.html"/);
    expect(download.headers()['x-content-type-options']).toBe('nosniff');
    expect(pageProblems(page)).toEqual([]);
    await screenshot(page, 'console-web-customer-files');
  });

  it('sends a reply with a file; the image shows in the conversation', async () => {
    await page.locator('form[aria-label="Reply"] input[type="file"]').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: PNG });
    const files = page.getByRole('list', { name: 'Files to send' });
    await files.getByText('(73 B)').waitFor();
    const box = page.getByRole('combobox', { name: /Write a reply/ });
    await box.fill('Here is the return label');
    await box.press('Enter');
    const log = page.getByRole('log', { name: 'Messages' });
    const sent = log.getByRole('article', { name: 'Ada Admin' }).filter({ hasText: 'Here is the return label' });
    const image = sent.getByRole('img', { name: 'label.png' });
    await image.waitFor();
    await eventually(async () => expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2));
    await expect(files.count()).resolves.toBe(0);
    const rows = await db().selectFrom('messages').select('content').where('conversation_id', '=', conversationId).where('direction', '=', 'out').execute();
    const parts = rows.flatMap((r) => r.content as { type: string; attachmentId?: string; name?: string; mimeType?: string }[]);
    expect(parts.find((p) => p.type === 'image')).toMatchObject({ name: 'label.png', mimeType: 'image/png' });
    await screenshot(page, 'console-web-reply-with-file');
  });

  it('says why a file is refused', async () => {
    await page.locator('form[aria-label="Reply"] input[type="file"]').setInputFiles({ name: 'empty.txt', mimeType: 'text/plain', buffer: Buffer.alloc(0) });
    await page.getByRole('list', { name: 'Files to send' }).getByRole('alert').filter({ hasText: 'empty' }).waitFor();
    await screenshot(page, 'console-web-file-refused');
    await page.getByRole('button', { name: 'Remove empty.txt' }).click();
    await expect(page.getByRole('list', { name: 'Files to send' }).count()).resolves.toBe(0);
  });

  it('transfers to a colleague with a note, and assigns it back', async () => {
    const actions = page.getByRole('toolbar', { name: 'Conversation actions' });
    await actions.getByText('Assigned to Ada Admin').waitFor();
    await actions.getByRole('button', { name: 'Transfer' }).click();
    const form = page.getByRole('form', { name: 'Transfer the conversation' });
    await form.getByRole('radio', { name: 'An agent' }).check();
    await form.getByLabel('Agent', { exact: true }).selectOption({ label: 'Bo Agent · Online' });
    await form.getByLabel('Note for colleagues (optional)').fill('Wants a refund <b>today</b>');
    await form.getByRole('button', { name: 'Transfer' }).click();
    await page.getByRole('status').filter({ hasText: 'Transferred to Bo Agent.' }).waitFor();
    await actions.getByText('Assigned to Bo Agent').waitFor();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Wants a refund <b>today</b>').waitFor();
    expect(await log.locator('b').count()).toBe(0);
    await eventually(async () =>
      expect((await db().selectFrom('conversations').select('assignee_id').where('id', '=', conversationId).executeTakeFirstOrThrow()).assignee_id).toBe(boId),
    );
    await screenshot(page, 'console-web-transferred');

    await actions.getByRole('button', { name: 'Assign' }).click();
    await page.getByRole('form', { name: 'Assign the conversation' }).getByLabel('Agent').selectOption({ label: 'Ada Admin · Online' });
    await page.getByRole('form', { name: 'Assign the conversation' }).getByRole('button', { name: 'Assign' }).click();
    await actions.getByText('Assigned to Ada Admin').waitFor();
  });

  it('transfers to a group and back to the queue', async () => {
    const actions = page.getByRole('toolbar', { name: 'Conversation actions' });
    await actions.getByRole('button', { name: 'Transfer' }).click();
    const form = page.getByRole('form', { name: 'Transfer the conversation' });
    await form.getByRole('radio', { name: 'A group' }).check();
    await form.getByLabel('Group', { exact: true }).selectOption({ label: 'Billing' });
    await form.getByRole('button', { name: 'Transfer' }).click();
    await page.getByRole('status').filter({ hasText: 'Transferred to Billing.' }).waitFor();
    const billing = await db().selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'Billing').executeTakeFirstOrThrow();
    await eventually(async () =>
      expect((await db().selectFrom('conversations').select('group_id').where('id', '=', conversationId).executeTakeFirstOrThrow()).group_id).toBe(billing.id),
    );
    await actions.getByRole('button', { name: 'Transfer' }).click();
    await form.getByRole('radio', { name: 'The queue' }).check();
    await form.getByRole('button', { name: 'Transfer' }).click();
    await page.getByRole('status').filter({ hasText: 'The conversation is back in the queue.' }).waitFor();
    await screenshot(page, 'console-web-requeued');
  });

  it('resolves and reopens', async () => {
    const actions = page.getByRole('toolbar', { name: 'Conversation actions' });
    await actions.getByRole('button', { name: 'Resolve' }).click();
    await page.locator('.conversation-header .status-badge').filter({ hasText: 'Resolved' }).waitFor();
    await expect(actions.getByRole('button', { name: 'Transfer' }).count()).resolves.toBe(0);
    await screenshot(page, 'console-web-resolved');
    await actions.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('status').filter({ hasText: 'The conversation is open again.' }).waitFor();
    await expect(page.locator('.conversation-header .status-badge').textContent()).resolves.not.toBe('Resolved');
    await eventually(async () =>
      expect((await db().selectFrom('conversations').select('status').where('id', '=', conversationId).executeTakeFirstOrThrow()).status).not.toBe('resolved'),
    );
    expect(pageProblems(page)).toEqual([]);
  });

  it('keeps the actions and the reply box usable at a phone width', async () => {
    const { context, page: phone } = await newPage(browser, { width: 390 });
    await context.addCookies(await page.context().cookies());
    await phone.goto(`${server.url}/t/files-co/conversations/${conversationId}`);
    const actions = phone.getByRole('toolbar', { name: 'Conversation actions' });
    await actions.getByRole('button', { name: 'Transfer' }).click();
    await phone.getByRole('form', { name: 'Transfer the conversation' }).getByLabel('Note for colleagues (optional)').waitFor();
    expect(await phone.getByRole('combobox', { name: 'Your status' }).isVisible()).toBe(true);
    expect(await phone.getByRole('button', { name: 'Attach files' }).isVisible()).toBe(true);
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await screenshot(phone, 'console-web-actions-phone');
    await context.close();
  });
});
