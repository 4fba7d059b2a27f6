import { crc32, deflateSync } from 'node:zlib';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttachmentStore } from '../core/attachments/store.js';
import { ADMIN_PASSWORD, browserAvailable, launchBrowser, newPage, screenshot, signIn, startSwitchboard, type TestServer } from './support/browser.js';
import { seedCustomerConversation } from './support/web-world.js';

/** Every error a page writes to the browser's console, failed requests included. */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`${message.text()} (${message.location().url})`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return errors;
}

/** A healthy console is quiet: an agent or a support engineer reading the console sees real faults only. */
describe.skipIf(!browserAvailable)('console web app: fast and steady', () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard({ SIGNUP: 'first' }), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('logs no error in the browser console on the sign-up and sign-in pages and in the inbox', async () => {
    const { context, page } = await newPage(browser);
    const errors = consoleErrors(page);
    await page.goto(`${server.url}/`);
    await page.getByRole('heading').first().waitFor();
    await page.goto(`${server.url}/sign-up`);
    await page.getByLabel('Company name').fill('Acme Trading');
    await page.getByLabel('Address').fill('acme-steady');
    await page.getByLabel('Your name').fill('Ada Admin');
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Create company' }).click();
    await page.waitForURL(`${server.url}/t/acme-steady/`);
    await page.getByRole('combobox', { name: 'Your status' }).waitFor();
    await page.reload();
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
    await page.waitForLoadState('networkidle');
    // Signed out, on the company's own sign-in page.
    await context.clearCookies();
    await page.goto(`${server.url}/t/acme-steady/sign-in`);
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.waitForLoadState('networkidle');
    await screenshot(page, 'console-web-steady-sign-in');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
    await page.waitForLoadState('networkidle');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('keeps the status the agent chose across sign-out and sign-in', async () => {
    const { context, page } = await newPage(browser);
    const status = page.getByRole('combobox', { name: 'Your status' });
    const signIn = async () => {
      await page.goto(`${server.url}/t/acme-steady/sign-in`);
      await page.getByLabel('E-mail').fill('ada@example.com');
      await page.getByLabel('Password').fill(ADMIN_PASSWORD);
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await status.waitFor();
    };
    await signIn();
    await status.selectOption('online');
    await page.waitForLoadState('networkidle');
    for (const round of [1, 2]) {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByLabel('E-mail').waitFor();
      await signIn();
      // Give presence its time: a status that drifts after sign-in would show here.
      await page.waitForTimeout(1500);
      expect(await status.inputValue(), `sign-in ${round}`).toBe('online');
    }
    const db = server.process.ctx.database.db;
    const ada = await db.selectFrom('users').select('agent_status').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    expect(ada.agent_status).toBe('online');
    await context.close();
  });

  it('opens a conversation whose last message is an image at the newest message, after the image loads', async () => {
    const db = server.process.ctx.database.db;
    const ada = await db.selectFrom('users').select('id').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow();
    const seeded = await seedCustomerConversation(db, {
      tenantSlug: 'acme-steady',
      assigneeId: ada.id,
      contactName: 'Zhou Min',
      messages: Array.from(
        { length: 12 },
        (_, i) => ({ direction: i % 2 ? 'out' : 'in', parts: [{ type: 'text', text: `Line ${i + 1} about the order` }] }) as const,
      ),
    });
    const store = new AttachmentStore(db, server.process.ctx.config.dataDir);
    const photo = await store.put(seeded.tenantId, seeded.channelId, { owner: 'visitor-1', name: 'parcel.png', bytes: png(600, 900) });
    await db
      .insertInto('messages')
      .values({
        tenant_id: seeded.tenantId,
        conversation_id: seeded.conversationId,
        channel_id: seeded.channelId,
        direction: 'in',
        sender_type: 'contact',
        sender_id: seeded.contactId,
        external_id: 'parcel-photo',
        client_id: null,
        content: JSON.stringify([{ type: 'image', attachmentId: photo.id, name: photo.name, mimeType: photo.mimeType, size: photo.size }]),
        error: null,
      })
      .execute();
    const { context, page } = await newPage(browser);
    await signIn(page, server, 'acme-steady');
    // The picture arrives well after the messages are on screen, as on a slow line.
    await page.route('**/api/attachments/**', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 700));
      await route.continue();
    });
    await page.goto(`${server.url}/t/acme-steady/conversations/${seeded.conversationId}`);
    const log = page.getByRole('log', { name: 'Messages' });
    const image = log.getByRole('img', { name: 'parcel.png' });
    await image.waitFor();
    await page.waitForFunction((img) => (img as HTMLImageElement).complete && (img as HTMLImageElement).naturalHeight > 0, await image.elementHandle());
    await page.waitForTimeout(300);
    const gap = await log.evaluate((list) => list.scrollHeight - list.scrollTop - list.clientHeight);
    await screenshot(page, 'console-web-steady-image-at-end');
    expect(gap).toBeLessThan(4);
    await context.close();
  });
});

/** A grey PNG of the given size, so the image has a real height once loaded. */
function png(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = Buffer.alloc((width + 1) * height, 0x99);
  for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0; // no filter
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
