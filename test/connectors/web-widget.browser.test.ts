import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { simpleParser } from 'mailparser';
import { chromium, type Browser, type BrowserContext, type FileChooser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { queueReply } from '../../core/conversations/reply.js';
import { resolveConversation } from '../../router/conversations/resolve-conversation.js';
import { surveyDb } from '../../surveys/schema.js';
import { createChannel, updateChannel } from '../../core/connector/channels.js';
import { connectorDeps } from '../../app/gateway.js';
import { startProcess, type RunningProcess } from '../../app/start.js';
import { addAgent, addGroup, createWorld } from '../support/router-world.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';
import { launchBrowser } from '../support/browser.js';
import { recordEvents } from '../../core/outbox/outbox.js';
import { event } from '../../core/domain/events.js';
import { conversationSnapshot } from '../../core/domain/views.js';

const CHROMIUM = '/usr/bin/chromium';
const PIXEL = new URL('../../connectors/web/fixtures/pixel.png', import.meta.url).pathname;
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHOTS = '/tmp/widget-a-shots';

/** What has focus, inside the widget's shadow root when it is there: `textarea`, `button.launcher`. */
const focused = (page: Page) =>
  page.evaluate(() => {
    const active = document.getElementById('switchboard-chat')?.shadowRoot?.activeElement;
    return active
      ? `${active.tagName.toLowerCase()}${active.className ? `.${String(active.className).split(' ').join('.')}` : ''}|${active.closest('.panel') ? 'panel' : 'outside'}`
      : (document.activeElement?.tagName ?? '');
  });

/** axe-core's WCAG 2.2 A/AA rules over the widget (its shadow tree included). */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: AXE });
  return page.evaluate(async () => {
    const axe = (
      window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } }
    ).axe;
    const result = await axe.run(
      { include: [['#switchboard-chat']] },
      { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } },
    );
    return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
  });
}

/**
 * A visitor on a plain HTML page of another site: opens the chat, sends text and an image,
 * reloads, and sees the reply of the agent the router assigned.
 */
describe('web chat widget in a real browser', () => {
  let database: Awaited<ReturnType<typeof emptyPgDatabase>> | undefined;
  let running: RunningProcess;
  let site: Server;
  let siteUrl: string;
  let browser: BrowserContext;
  let page: Page;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let agentId: string;
  let channel: Awaited<ReturnType<typeof createChannel>>['channel'];
  let help: Awaited<ReturnType<typeof createChannel>>['channel'];
  let dataDir: string;
  let plain: Browser;
  const sockets: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    database = DATABASE_URL ? await emptyPgDatabase() : undefined;
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATA_DIR: (dataDir = mkdtempSync(join(tmpdir(), 'sb-widget-'))),
      SECRET_KEY: 'cd'.repeat(32),
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...(AMQP_URL ? { AMQP_URL, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : {}),
      LOG_LEVEL: 'silent',
    });
    running = await startProcess(config, ROLES, createLogger('silent'));
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sb-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('websocket', (socket) => sockets.push(socket.url()));
    world = await createWorld(running.ctx.database.db, 'widget-shop');
    const group = await addGroup(world, 'Sales');
    agentId = await addAgent(world, 'Zhang Wei', { groups: [group] });
    await running.ctx.database.db
      .insertInto('router_settings')
      .values({ tenant_id: world.tenantId, default_group_id: group } as never)
      .execute();
    channel = (await createChannel(await connectorDeps(running.ctx), world.tenantId, { type: 'web', name: 'Shop site', config: { title: 'Shop help' } }))
      .channel;

    help = (await createChannel(await connectorDeps(running.ctx), world.tenantId, { type: 'web', name: 'Help desk', config: {} })).channel;

    // `?k=help` shows the second channel's chat.
    site = createServer((req, res) => {
      const key = req.url?.includes('k=help') ? help.publicKey : channel.publicKey;
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title><meta name="viewport" content="width=device-width,initial-scale=1"></head><body><main><h1>Our shop</h1></main>
<script src="${running.url}/widget/widget.js" data-key="${key}"></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;
  });
  afterAll(async () => {
    await plain?.close();
    await browser?.close();
    site?.close();
    await running?.stop();
    await database?.drop();
  });

  it('lets a visitor send text and an image, reload, and read the reply of the assigned agent', { timeout: 90_000 }, async () => {
    const db = running.ctx.database.db;
    await page.goto(siteUrl);
    await page.locator('#switchboard-chat .launcher').click();
    const composer = page.locator('#switchboard-chat textarea');
    await composer.fill('<b>hi</b> where is my order?');
    await composer.press('Enter');
    await page.locator('#switchboard-chat input[type=file]').setInputFiles(PIXEL);

    // The router stored both and assigned the conversation to the group's online agent.
    const conversation = await eventually(
      async () => {
        const row = await db.selectFrom('conversations').selectAll().where('channel_id', '=', channel.id).executeTakeFirst();
        const count = row ? (await db.selectFrom('messages').select('id').where('conversation_id', '=', row.id).execute()).length : 0;
        return row && count === 2 && row.assignee_id ? row : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(conversation!.assignee_id).toBe(agentId);

    // The page had seen both messages (its cursor is past them): a reload still shows them.
    const last = await db.selectFrom('messages').select('id').where('conversation_id', '=', conversation!.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    await page.evaluate(({ key, cursor }) => localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key) ?? '{}'), cursor })), {
      key: `switchboard.chat.${channel.publicKey}`,
      cursor: String(last.id),
    });
    await page.reload();
    const log = page.locator('#switchboard-chat .log');
    await expect.poll(() => log.locator('.msg.in').count(), { timeout: 30_000 }).toBe(2);
    // Customer text is inert: shown as typed, never parsed as HTML.
    expect(await log.locator('.msg.in').first().textContent()).toBe('<b>hi</b> where is my order?');
    expect(await log.locator('.msg.in b').count()).toBe(0);
    // The image came back through the attachments endpoint and decoded.
    await expect.poll(() => log.locator('.msg.in img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth), { timeout: 30_000 }).toBe(1);

    await queueReply(db, {
      tenantId: world.tenantId,
      conversationId: conversation!.id,
      sender: { type: 'agent', id: conversation!.assignee_id },
      parts: [{ type: 'text', text: 'Hello! It ships tomorrow.' }],
    });
    running.ctx.relay.poke();
    await expect.poll(() => log.locator('.msg.out > div').last().textContent(), { timeout: 15_000 }).toBe('Hello! It ships tomorrow.');
    // Live, as in the history: who answered.
    expect(await log.locator('.msg.out .who').last().textContent()).toBe('Zhang Wei');
    // The open widget reports it read: the agent sees it.
    await eventually(async () => {
      const reply = await db
        .selectFrom('messages')
        .select('status')
        .where('conversation_id', '=', conversation!.id)
        .where('direction', '=', 'out')
        .executeTakeFirst();
      return reply?.status === 'read';
    });
    expect(sockets.some((url) => url.includes(`/widget/${channel.publicKey}/socket`))).toBe(true);
  });

  it('shows a rating card once the agent resolves the conversation, and records the stars the visitor gives', { timeout: 60_000 }, async () => {
    const db = running.ctx.database.db;
    const conversation = await db.selectFrom('conversations').selectAll().where('channel_id', '=', channel.id).executeTakeFirstOrThrow();
    await resolveConversation(
      { database: running.ctx.database, relay: running.ctx.relay, logger: running.ctx.logger },
      { tenantId: world.tenantId, conversationId: conversation.id, actorId: agentId },
    );
    running.ctx.relay.poke();
    const stars = page.locator('#switchboard-chat .survey .star');
    await expect.poll(() => stars.count(), { timeout: 15_000 }).toBe(5);
    await stars.nth(3).click();
    expect(await stars.nth(3).getAttribute('aria-pressed')).toBe('true');
    await page.locator('#switchboard-chat .survey textarea').fill('Quick, but the parcel was late');
    await page.locator('#switchboard-chat .survey button[type=submit]').click();
    await page.locator('#switchboard-chat .survey').getByText('Thank you', { exact: false }).waitFor();
    const answer = await eventually(
      () => surveyDb(db).selectFrom('csat_responses').selectAll().where('conversation_id', '=', conversation.id).executeTakeFirst(),
      { timeoutMs: 10_000 },
    );
    expect(answer).toMatchObject({ rating: 4, comment: 'Quick, but the parcel was late', via: 'widget', agent_id: agentId });
  });

  it('falls back to Server-Sent Events where WebSocket is not available', { timeout: 60_000 }, async () => {
    const db = running.ctx.database.db;
    const other = await browser.newPage();
    try {
      await other.addInitScript(() => {
        // A proxy that breaks WebSocket, as some corporate networks do.
        Object.defineProperty(window, 'WebSocket', { value: undefined });
        // A new visitor: this tab starts without the first visitor's saved session.
        if (!sessionStorage.getItem('fresh')) {
          localStorage.clear();
          sessionStorage.setItem('fresh', '1');
        }
      });
      await other.goto(`${siteUrl}?second`);
      await other.locator('#switchboard-chat .launcher').click();
      await other.locator('#switchboard-chat textarea').fill('hello over SSE');
      await other.locator('#switchboard-chat textarea').press('Enter');
      const message = await eventually(
        async () =>
          db
            .selectFrom('messages')
            .selectAll()
            .where('channel_id', '=', channel.id)
            .where(sql<boolean>`content @> ${JSON.stringify([{ text: 'hello over SSE' }])}::jsonb`)
            .executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      await queueReply(db, {
        tenantId: world.tenantId,
        conversationId: message!.conversation_id,
        sender: { type: 'agent', id: agentId },
        parts: [{ type: 'text', text: 'Hi there, by SSE' }],
      });
      running.ctx.relay.poke();
      await expect.poll(() => other.locator('#switchboard-chat .msg.out > div').last().textContent(), { timeout: 15_000 }).toBe('Hi there, by SSE');
    } finally {
      await other.close();
    }
  });

  async function freshVisitorTab(path: string) {
    const tab = await browser.newPage();
    await tab.addInitScript(() => {
      if (!sessionStorage.getItem('fresh')) {
        localStorage.clear();
        sessionStorage.setItem('fresh', '1');
      }
    });
    await tab.goto(`${siteUrl}?${path}`);
    await tab.locator('#switchboard-chat .launcher').click();
    return tab;
  }

  it('asks the pre-chat questions first, and offers the offline form when no agent is online', { timeout: 60_000 }, async () => {
    const db = running.ctx.database.db;
    const deps = await connectorDeps(running.ctx);
    await updateChannel(deps, world.tenantId, channel.id, { config: { preChatFields: [{ name: 'name', label: 'Your name', required: true }] } });
    const tab = await freshVisitorTab('prechat');
    try {
      await tab.locator('#switchboard-chat input[name=name]').fill('Mei Lin');
      await tab.locator('#switchboard-chat .form').getByRole('button', { name: 'Start chat' }).click();
      await tab.locator('#switchboard-chat textarea').fill('question after the form');
      await tab.locator('#switchboard-chat textarea').press('Enter');
      const contact = await eventually(
        async () =>
          db
            .selectFrom('messages as m')
            .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
            .innerJoin('contacts as ct', 'ct.id', 'c.contact_id')
            .select('ct.name')
            .where('m.channel_id', '=', channel.id)
            .where(sql<boolean>`m.content @> ${JSON.stringify([{ text: 'question after the form' }])}::jsonb`)
            .executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      expect(contact!.name).toBe('Mei Lin');
    } finally {
      await tab.close();
    }

    await db.updateTable('users').set({ agent_status: 'offline' }).where('tenant_id', '=', world.tenantId).execute();
    const away = await freshVisitorTab('offline');
    try {
      await away.locator('#switchboard-chat input[name=email]').fill('mei@example.com');
      await away.locator('#switchboard-chat textarea[name=text]').fill('Please call me back');
      await away.locator('#switchboard-chat .form button').click();
      await expect.poll(() => away.locator('#switchboard-chat .form').textContent(), { timeout: 10_000 }).toContain('Thank you');
      const stored = await eventually(
        async () =>
          db
            .selectFrom('messages')
            .select('content')
            .where('channel_id', '=', channel.id)
            .where(sql<boolean>`content @> ${JSON.stringify([{ type: 'event', name: 'offline_message' }])}::jsonb`)
            .executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      expect(JSON.stringify(stored!.content)).toContain('Please call me back');
    } finally {
      await away.close();
      await db.updateTable('users').set({ agent_status: 'online' }).where('id', '=', agentId).execute();
    }
  });

  async function visitorPage(options: { locale: string; phone?: boolean }) {
    plain ??= await launchBrowser();
    const context = await plain.newContext({
      locale: options.locale,
      // Phones here ask for less motion: the widget's animations stop.
      ...(options.phone ? { reducedMotion: 'reduce' as const } : {}),
      viewport: options.phone ? { width: 390, height: 844 } : { width: 1280, height: 800 },
      ...(options.phone ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    });
    const tab = await context.newPage();
    const problems: string[] = [];
    tab.on('pageerror', (error) => problems.push(error.message));
    // Listening from the start: the browser hands file pickers to the test before any is opened.
    const choosers: FileChooser[] = [];
    tab.on('filechooser', (chooser) => choosers.push(chooser));
    return { context, tab, problems, choosers };
  }

  it('speaks Chinese to a Chinese phone: proactive greeting, pre-chat form into the contact, transcript by mail', { timeout: 90_000 }, async () => {
    const db = running.ctx.database.db;
    const deps = await connectorDeps(running.ctx);
    await db.insertInto('custom_fields').values({ tenant_id: world.tenantId, key: 'company', label: '公司', type: 'text' }).execute();
    await updateChannel(deps, world.tenantId, help.id, {
      config: {
        preChatMode: 'required',
        preChatFields: [
          { name: 'name', required: true },
          { name: 'email', type: 'email', required: true },
          { name: 'phone', type: 'tel' },
          { name: 'company' },
        ],
        sendTranscript: true,
        texts: { 'zh-CN': { greeting: '您好!有什么可以帮您?' } },
        proactive: [{ urlPattern: '*promo*', afterSeconds: 1, text: { 'zh-CN': '需要帮忙吗?', en: 'Need a hand?' } }],
      },
    });
    const { context, tab, problems } = await visitorPage({ locale: 'zh-CN', phone: true });
    try {
      await tab.goto(`${siteUrl}?k=help&promo`);
      const launcher = tab.locator('#switchboard-chat .launcher');
      expect(await launcher.getAttribute('aria-label')).toBe('在线客服');
      const nudge = tab.locator('#switchboard-chat .nudge .open-chat');
      await expect.poll(() => nudge.textContent(), { timeout: 10_000 }).toBe('需要帮忙吗?');
      await nudge.click();
      const form = tab.locator('#switchboard-chat .panel form.form');
      await form.getByLabel('姓名').fill('李梅');
      await form.getByLabel('邮箱').fill('li.mei@example.com');
      await form.getByLabel('公司').fill('星光贸易');
      expect(await tab.locator('#switchboard-chat .panel').evaluate((node) => getComputedStyle(node).animationName)).toBe('none');
      // The server refuses a wrong phone number; the form says which field, in Chinese.
      await form.getByLabel('电话').fill('call me');
      await form.getByRole('button', { name: '开始聊天' }).click();
      await expect.poll(() => form.getByRole('alert').textContent(), { timeout: 10_000 }).toBe('电话格式不正确');
      expect(await form.getByLabel('电话').getAttribute('aria-invalid')).toBe('true');
      await form.getByLabel('电话').fill('+86 138 0013 8000');
      expect(await form.getByRole('button', { name: '跳过' }).count()).toBe(0);
      await tab.screenshot({ path: `${SHOTS}/prechat-zh-phone.png` });
      expect(await axeViolations(tab)).toEqual([]);
      await form.getByRole('button', { name: '开始聊天' }).click();

      const text = tab.locator('#switchboard-chat textarea[name=message]');
      await text.waitFor();
      // 16 px: iOS does not zoom into the field.
      expect(await text.evaluate((node) => getComputedStyle(node).fontSize)).toBe('16px');
      expect(await text.getAttribute('placeholder')).toBe('请输入消息…');
      await text.fill('你好,我的订单到哪了?');
      await text.press('Enter');
      await expect.poll(() => tab.locator('#switchboard-chat .receipt').textContent(), { timeout: 15_000 }).toBe('已送达');
      expect(await tab.locator('#switchboard-chat .msg.greeting').textContent()).toBe('您好!有什么可以帮您?');
      const contact = await eventually(
        () =>
          db
            .selectFrom('contacts as c')
            .innerJoin('conversations as co', 'co.contact_id', 'c.id')
            .select(['c.name', 'c.email', 'c.phone', 'c.attributes', 'co.id as conversationId'])
            .where('co.channel_id', '=', help.id)
            .executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      expect(contact).toMatchObject({ name: '李梅', email: 'li.mei@example.com', phone: '+86 138 0013 8000', attributes: { company: '星光贸易' } });
      await tab.screenshot({ path: `${SHOTS}/chat-zh-phone.png` });

      // Resolved: the transcript goes to the address given in the form.
      await resolveConversation(
        { database: running.ctx.database, relay: running.ctx.relay, logger: running.ctx.logger },
        { tenantId: world.tenantId, conversationId: contact!.conversationId, actorId: agentId },
      );
      running.ctx.relay.poke();
      const mail = await eventually(
        () => {
          const dir = join(dataDir, 'mail');
          const files = (() => {
            try {
              return readdirSync(dir);
            } catch {
              return [];
            }
          })();
          return files.map((f) => readFileSync(join(dir, f), 'utf8')).find((m) => m.includes('li.mei@example.com'));
        },
        { timeoutMs: 15_000 },
      );
      const parsed = await simpleParser(mail!);
      expect(parsed.to).toMatchObject({ text: 'li.mei@example.com' });
      expect(parsed.text).toContain('你好,我的订单到哪了?');
      expect(parsed.text).toContain('李梅');
      await expect.poll(() => tab.locator('#switchboard-chat .status').textContent(), { timeout: 15_000 }).toBe('本次会话已结束');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works by keyboard alone in English on a desktop, passes axe, and counts replies on the launcher', { timeout: 90_000 }, async () => {
    const db = running.ctx.database.db;
    const deps = await connectorDeps(running.ctx);
    await updateChannel(deps, world.tenantId, help.id, { config: { preChatMode: 'off', proactive: [] } });
    const { context, tab, problems, choosers } = await visitorPage({ locale: 'en-GB' });
    try {
      await tab.goto(`${siteUrl}?k=help`);
      await tab.locator('#switchboard-chat .launcher').waitFor();
      await tab.evaluate(() => window.addEventListener('switchboard:handoff', () => document.body.setAttribute('data-handoff', 'yes')));
      // Open, type, send.
      await tab.keyboard.press('Tab');
      expect(await focused(tab)).toBe('button.launcher|outside');
      await tab.keyboard.press('Enter');
      await expect.poll(() => focused(tab), { timeout: 10_000 }).toBe('textarea|panel');
      await tab.keyboard.type('Hello, typed with the keyboard');
      await tab.keyboard.press('Enter');
      const message = await eventually(
        () =>
          db
            .selectFrom('messages')
            .selectAll()
            .where('channel_id', '=', help.id)
            .where(sql<boolean>`content @> ${JSON.stringify([{ text: 'Hello, typed with the keyboard' }])}::jsonb`)
            .executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      // Attach: Tab to the labelled button, Enter opens the file picker.
      await tab.keyboard.press('Tab');
      expect(await focused(tab)).toBe('button.btn.secondary.attach|panel');
      await tab.keyboard.press('Enter');
      await expect.poll(() => choosers.length, { timeout: 10_000 }).toBe(1);
      await choosers[0]!.setFiles(PIXEL);
      await eventually(
        () =>
          db
            .selectFrom('messages')
            .select('id')
            .where('conversation_id', '=', message!.conversation_id)
            .where(sql<boolean>`content @> ${JSON.stringify([{ type: 'image' }])}::jsonb`)
            .executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      // Focus stays in the open dialog.
      for (let i = 0; i < 9; i++) {
        await tab.keyboard.press('Tab');
        expect(await focused(tab)).toMatch(/\|panel$/);
      }
      // The agent types and the visitor sees it.
      const conversation = await db.selectFrom('conversations').selectAll().where('id', '=', message!.conversation_id).executeTakeFirstOrThrow();
      await recordEvents(db, [event(world.tenantId, 'typing', { conversation: conversationSnapshot(conversation), from: 'agent', on: true })]);
      running.ctx.relay.poke();
      await expect.poll(() => tab.locator('#switchboard-chat .status').textContent(), { timeout: 15_000 }).toBe('Agent is typing…');
      expect(await axeViolations(tab)).toEqual([]);
      await tab.screenshot({ path: `${SHOTS}/chat-en-desktop.png` });

      // The sound for new messages is the visitor's choice, off until they turn it on.
      const bell = tab.locator('#switchboard-chat .panel header button.sound');
      expect(await bell.getAttribute('aria-pressed')).toBe('false');
      await bell.click();
      expect(await bell.getAttribute('aria-pressed')).toBe('true');

      // Talk to a person: stored in the conversation, and the page hears of it.
      await tab.locator('#switchboard-chat .person').click();
      await eventually(
        () =>
          db
            .selectFrom('messages')
            .select('id')
            .where('conversation_id', '=', message!.conversation_id)
            .where(sql<boolean>`content @> ${JSON.stringify([{ type: 'event', name: 'handoff.requested' }])}::jsonb`)
            .executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      expect(await tab.locator('body').getAttribute('data-handoff')).toBe('yes');

      // Close with Escape: focus goes back to the launcher; a reply then shows as unread.
      await tab.locator('#switchboard-chat textarea[name=message]').focus();
      await tab.keyboard.press('Escape');
      expect(await focused(tab)).toBe('button.launcher|outside');
      expect(await tab.locator('#switchboard-chat .panel').isVisible()).toBe(false);
      await queueReply(db, {
        tenantId: world.tenantId,
        conversationId: message!.conversation_id,
        sender: { type: 'agent', id: agentId },
        parts: [{ type: 'text', text: 'A person is here.' }],
      });
      running.ctx.relay.poke();
      const launcher = tab.locator('#switchboard-chat .launcher');
      await expect.poll(() => launcher.getAttribute('aria-label'), { timeout: 15_000 }).toBe('Chat with us, 1 unread');
      expect(await tab.locator('#switchboard-chat .badge').textContent()).toBe('1');
      // The page sets the language.
      await tab.evaluate(() => (window as unknown as { Switchboard(...args: unknown[]): void }).Switchboard('locale', 'zh-TW'));
      expect(await launcher.getAttribute('aria-label')).toBe('線上客服, 1 則未讀');
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
