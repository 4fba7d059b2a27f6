import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

const injection = '<img src=x onerror=alert(1)>';
// A 2×2 red PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGP4z8AARAwQCgAf7gP9i18U1AAAAABJRU5ErkJggg==', 'base64');
const loaded = (img: HTMLImageElement) => img.complete && img.naturalWidth;
const WEBHOOK_SECRET = 'whsec-0123456789-abcdef';

/** A plain page of the company's own site: nothing on it but the embed code the console gave. */
async function sitePage(snippet: string): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>Acme shop</title></head><body><h1>Acme shop</h1>${snippet}</body></html>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** The admin sets channels up in the settings; a visitor chats through the embedded widget with the agent. */
describe.skipIf(!browserAvailable)('console web app: channels, and the web chat end to end', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let adminContext: BrowserContext;
  let site: Awaited<ReturnType<typeof sitePage>> | undefined;
  let snippet = '';
  const db = () => server.process.ctx.database.db;
  const clipboard = () => admin.evaluate(() => navigator.clipboard.readText());

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    await signUpCompany(server, { companyName: 'Acme', slug: 'acme-chat' });
    ({ page: admin, context: adminContext } = await newPage(browser));
    await adminContext.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url });
    await signIn(admin, server, 'acme-chat');
  });
  afterAll(async () => {
    await site?.close();
    await browser?.close();
    await server?.stop();
  });

  it('adds an app-API channel through the form drawn from its settings schema; the key is shown once, secrets never', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Channels' }).click();
    await admin.getByRole('heading', { name: 'Channels', level: 1 }).waitFor();
    const form = admin.getByRole('form', { name: 'Add channel' });
    await form.getByLabel('Type').selectOption({ label: 'App API' });
    await form.getByLabel('Name').fill('Shop backend');
    // The connector's schema draws the fields, with its descriptions and defaults.
    await form.getByText('Signs the webhooks sent to your app (HMAC-SHA256)').waitFor();
    await expect(form.getByLabel('Signature valid for (seconds)').inputValue()).resolves.toBe('300');
    await form.getByLabel('Webhook secret').fill('too short');
    await form.getByRole('button', { name: 'Add channel' }).click();
    // The browser stops a secret shorter than the schema allows.
    expect(await form.getByLabel('Webhook secret').evaluate((input: HTMLInputElement) => input.validity.tooShort)).toBe(true);
    await form.getByLabel('Webhook secret').fill(WEBHOOK_SECRET);
    await form.getByLabel('Webhook address').fill('https://shop.example.com/switchboard');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await admin.getByRole('status').filter({ hasText: 'Shop backend is added.' }).waitFor();
    const key = await admin.locator('.token-once code').textContent();
    expect(key).toMatch(/\S{20,}/);
    const row = admin.getByRole('table', { name: 'Channels' }).getByRole('row', { name: /Shop backend/ });
    await expect(row.textContent()).resolves.toContain('App API');
    await expect(row.textContent()).resolves.toContain('On');

    const settings = admin.getByRole('region', { name: 'Settings of Shop backend' });
    const channel = await db().selectFrom('channels').select(['id', 'config', 'secrets']).where('name', '=', 'Shop backend').executeTakeFirstOrThrow();
    await expect(settings.getByLabel('Webhook URL', { exact: true }).inputValue()).resolves.toBe(`${server.url}/hooks/${channel.id}`);
    await settings.getByRole('button', { name: 'Copy' }).first().click();
    await expect(clipboard()).resolves.toBe(`${server.url}/hooks/${channel.id}`);
    // The secret is stored sealed, and the form says it is set without showing it.
    expect(JSON.stringify(channel)).not.toContain(WEBHOOK_SECRET);
    const secretInput = settings.getByLabel('Webhook secret');
    await expect(secretInput.inputValue()).resolves.toBe('');
    await settings.getByText('A value is stored; leave empty to keep it.').first().waitFor();
    expect(await admin.content()).not.toContain(WEBHOOK_SECRET);
    await screenshot(admin, 'console-web-channel-added');

    // A change of a plain setting keeps the secret.
    await settings.getByLabel('Signature valid for (seconds)').fill('600');
    await settings.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'The settings of Shop backend are saved.' }).waitFor();
    const saved = await db().selectFrom('channels').select(['config', 'secrets']).where('id', '=', channel.id).executeTakeFirstOrThrow();
    expect(saved.config).toMatchObject({ replayWindowSeconds: 600, webhookUrl: 'https://shop.example.com/switchboard' });
    expect(saved.secrets).not.toBeNull();
    await settings.getByText('A value is stored; leave empty to keep it.').first().waitFor();
  });

  it('turns a channel off and on', async () => {
    const row = admin.getByRole('table', { name: 'Channels' }).getByRole('row', { name: /Shop backend/ });
    await row.getByRole('button', { name: 'Turn off' }).click();
    await admin.getByRole('status').filter({ hasText: 'Shop backend is off' }).waitFor();
    await expect(row.textContent()).resolves.toContain('Off');
    expect((await db().selectFrom('channels').select('enabled').where('name', '=', 'Shop backend').executeTakeFirstOrThrow()).enabled).toBe(false);
    await screenshot(admin, 'console-web-channel-off');
    await row.getByRole('button', { name: 'Turn on' }).click();
    await admin.getByRole('status').filter({ hasText: 'Shop backend is on.' }).waitFor();
    expect((await db().selectFrom('channels').select('enabled').where('name', '=', 'Shop backend').executeTakeFirstOrThrow()).enabled).toBe(true);
  });

  it('asks for the bot token again when the Telegram API address changes, so the stored one never goes there', async () => {
    const form = admin.getByRole('form', { name: 'Add channel' });
    await form.getByLabel('Type').selectOption({ label: 'Telegram' });
    await form.getByLabel('Name', { exact: true }).fill('Support bot');
    await form.getByLabel('Bot token', { exact: true }).fill(`123456789:${'A'.repeat(35)}`);
    await form.getByLabel('Receive by').selectOption('polling');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await admin.getByRole('status').filter({ hasText: 'Support bot is added.' }).waitFor();

    const settings = admin.getByRole('region', { name: 'Settings of Support bot' });
    await settings.getByLabel('Bot API address').fill('https://bot-api.example.com');
    await settings.getByRole('button', { name: 'Save' }).click();
    await settings.getByRole('alert').filter({ hasText: 'enter Bot token again' }).waitFor();
    const kept = await db().selectFrom('channels').select('config').where('name', '=', 'Support bot').executeTakeFirstOrThrow();
    expect(kept.config).toMatchObject({ apiBaseUrl: 'https://api.telegram.org' });

    await settings.getByLabel('Bot token', { exact: true }).fill(`987654321:${'B'.repeat(35)}`);
    await settings.getByRole('button', { name: 'Save' }).click();
    await admin.getByRole('status').filter({ hasText: 'The settings of Support bot are saved.' }).waitFor();
    const moved = await db().selectFrom('channels').select('config').where('name', '=', 'Support bot').executeTakeFirstOrThrow();
    expect(moved.config).toMatchObject({ apiBaseUrl: 'https://bot-api.example.com' });

    // In Chinese, the form the connector declares reads in Chinese, its hints too.
    await admin.getByLabel('Language').first().selectOption('zh');
    const add = admin.getByRole('form', { name: '添加渠道' });
    await add.getByLabel('类型').selectOption({ label: 'Telegram' });
    await add.getByText('Telegram 机器人：接收文字、图片、文件、语音、位置和联系人；发送文字、媒体和位置。').waitFor();
    await add.getByLabel('机器人令牌').waitFor();
    await add.getByText('从 @BotFather 获得的机器人令牌').waitFor();
    await add.getByLabel('接收方式').selectOption('polling');
    await add.getByLabel('机器人令牌').scrollIntoViewIfNeeded();
    await screenshot(admin, 'console-web-channel-form-zh');
    await admin.getByLabel('语言').first().selectOption('en');
    expect(pageProblems(admin)).toEqual([]);
  });

  it('adds the web chat and gives its embed code', async () => {
    const form = admin.getByRole('form', { name: 'Add channel' });
    await form.getByLabel('Type').selectOption({ label: 'Web chat' });
    await form.getByLabel('Name').fill('Website');
    await form.getByLabel('Title').fill('Talk to Acme');
    await form.getByRole('button', { name: 'Add channel' }).click();
    await admin.getByRole('status').filter({ hasText: 'Website is added.' }).waitFor();
    const settings = admin.getByRole('region', { name: 'Settings of Website' });
    snippet = await settings.getByLabel('Embed code').inputValue();
    const channel = await db().selectFrom('channels').select(['public_key', 'config']).where('name', '=', 'Website').executeTakeFirstOrThrow();
    expect(snippet).toBe(`<script src="${server.url}/widget/widget.js" data-key="${channel.public_key}" async></script>`);
    expect(channel.config).toMatchObject({ title: 'Talk to Acme' });
    await settings.getByRole('button', { name: 'Copy' }).nth(1).click();
    await expect(clipboard()).resolves.toBe(snippet);
    expect(pageProblems(admin)).toEqual([]);
    await screenshot(admin, 'console-web-web-chat-embed');

    // The chat's own words per language, the pre-chat questions and a proactive greeting.
    const chat = settings.getByRole('form', { name: 'Chat texts, pre-chat form and greeting' });
    await chat.getByRole('group', { name: 'Texts in Simplified Chinese' }).getByLabel('Greeting', { exact: true }).fill('您好,欢迎光临 Acme!');
    await chat.getByLabel('Ask E-mail').check();
    await chat.getByLabel('E-mail is required').check();
    // Two greeting rules: one for the prices page in English, one for the checkout in Chinese.
    await chat.getByRole('button', { name: 'Add a greeting' }).click();
    const first = chat.getByRole('group', { name: 'Greeting 1' });
    await first.getByLabel('Pages (address, * for any characters)').fill('*/pricing*');
    await first.getByLabel('Greeting in English').fill('Questions about our prices?');
    await chat.getByRole('button', { name: 'Add a greeting' }).click();
    const second = chat.getByRole('group', { name: 'Greeting 2' });
    await second.getByLabel('Pages (address, * for any characters)').fill('*/checkout*');
    await second.getByLabel('After (seconds)').fill('5');
    await second.getByLabel('Greeting in Simplified Chinese').fill('结账遇到问题吗?');
    await chat.getByRole('button', { name: 'Save chat texts' }).click();
    await admin.getByRole('status').filter({ hasText: 'The settings of Website are saved.' }).waitFor();
    const saved = await db().selectFrom('channels').select('config').where('name', '=', 'Website').executeTakeFirstOrThrow();
    expect(saved.config).toMatchObject({
      title: 'Talk to Acme',
      texts: { 'zh-CN': { greeting: '您好,欢迎光临 Acme!' }, en: {} },
      preChatFields: [{ name: 'email', type: 'email', required: true }],
      proactive: [
        { urlPattern: '*/pricing*', afterSeconds: 10, text: { en: 'Questions about our prices?' } },
        { urlPattern: '*/checkout*', afterSeconds: 5, text: { 'zh-CN': '结账遇到问题吗?' } },
      ],
    });
    await admin.setViewportSize({ width: 1280, height: 3200 });
    await chat.screenshot({ path: '/tmp/widget-a-shots/console-web-chat-settings.png' });
    await admin.setViewportSize({ width: 1280, height: 800 });
    // The first rule removed, the second kept with what was typed into it.
    await chat.getByRole('button', { name: 'Remove greeting 1' }).click();
    expect(await chat.getByRole('group', { name: 'Greeting 1' }).getByLabel('Pages (address, * for any characters)').inputValue()).toBe('*/checkout*');
    // Edited again: the visitor below is not asked anything first.
    await chat.getByLabel('Ask E-mail').uncheck();
    await chat.getByRole('button', { name: 'Save chat texts' }).click();
    await expect
      .poll(async () => (await db().selectFrom('channels').select('config').where('name', '=', 'Website').executeTakeFirstOrThrow()).config.preChatFields)
      .toEqual([]);
    const edited = await db().selectFrom('channels').select('config').where('name', '=', 'Website').executeTakeFirstOrThrow();
    expect(edited.config.proactive).toEqual([{ urlPattern: '*/checkout*', afterSeconds: 5, text: { 'zh-CN': '结账遇到问题吗?' } }]);
    expect(pageProblems(admin)).toEqual([]);
  });

  it('a visitor writes on a plain page with the widget; the agent sees it without reloading and replies; the visitor sees the reply; files go both ways', async () => {
    // The agent goes online and waits in the inbox.
    await admin.getByRole('link', { name: 'Inbox' }).click();
    await admin.getByRole('combobox', { name: 'Your status' }).selectOption('online');
    await admin.getByRole('tab', { name: /All/ }).click();

    site = await sitePage(snippet);
    const { context: visitorContext, page: visitor } = await newPage(browser);
    await visitor.goto(site.url);
    await visitor.getByRole('button', { name: 'Talk to Acme' }).click();
    const text = visitor.getByPlaceholder('Write a message…');
    await text.fill(`Where is my order? ${injection}`);
    await text.press('Enter');

    const item = admin.getByRole('link', { name: /Visitor/ });
    await item.waitFor({ timeout: 20_000 });
    await item.click();
    const log = admin.getByRole('log', { name: 'Messages' });
    await log.getByText(`Where is my order? ${injection}`).waitFor();
    expect(await log.locator('img[src="x"]').count()).toBe(0);
    // The agent has it on screen: the visitor sees "Read" under it before any reply.
    await expect.poll(() => visitor.locator('#switchboard-chat .receipt').textContent(), { timeout: 15_000 }).toBe('Read');

    const box = admin.getByRole('combobox', { name: /Write a reply/ });
    await box.fill('It ships today, 今天发货。');
    await box.press('Enter');
    // Exact: the chat also announces it to screen readers ("New message from …").
    await visitor.getByText('It ships today, 今天发货。', { exact: true }).waitFor({ timeout: 20_000 });
    // Files both ways: the visitor's photo previews in the console, the agent's shows in the chat.
    await visitor.locator('form.compose input[type="file"]').setInputFiles({ name: 'parcel.png', mimeType: 'image/png', buffer: PNG });
    const photo = log.getByRole('img', { name: 'parcel.png' });
    await photo.waitFor({ timeout: 20_000 });
    await expect.poll(() => photo.evaluate(loaded), { timeout: 10_000 }).toBe(2);
    await admin.locator('form[aria-label="Reply"] input[type="file"]').setInputFiles({ name: 'label.png', mimeType: 'image/png', buffer: PNG });
    await admin.getByRole('list', { name: 'Files to send' }).getByText('(73 B)').waitFor();
    await admin.getByRole('button', { name: 'Send', exact: true }).click();
    const label = visitor.getByRole('img', { name: 'label.png' });
    await label.waitFor({ timeout: 20_000 });
    await expect.poll(() => label.evaluate(loaded), { timeout: 10_000 }).toBe(2);

    // Written once.
    const sent = await db()
      .selectFrom('messages')
      .select('content')
      .where('direction', '=', 'out')
      .where('sender_type', '=', 'agent')
      .where('private', '=', false)
      .execute();
    expect(sent.map((m) => (m.content as { type: string; text?: string; name?: string }[]).map((p) => p.text ?? p.name))).toEqual([
      ['It ships today, 今天发货。'],
      ['label.png'],
    ]);
    expect(pageProblems(admin)).toEqual([]);
    expect(pageProblems(visitor)).toEqual([]);
    await screenshot(visitor, 'console-web-visitor-sees-reply');
    await screenshot(admin, 'console-web-agent-chat');
    await visitorContext.close();
  });
});
