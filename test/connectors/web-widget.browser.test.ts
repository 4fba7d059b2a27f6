import { createServer, type Server } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, ROLES } from '../../core/config/config.js';
import { createLogger } from '../../core/log/logger.js';
import { queueReply } from '../../core/conversations/reply.js';
import { resolveConversation } from '../../router/conversations/resolve-conversation.js';
import { reportDb } from '../../reports/schema.js';
import { createChannel, updateChannel } from '../../core/connector/channels.js';
import { connectorDeps } from '../../console/cli/gateway.js';
import { startProcess, type RunningProcess } from '../../console/cli/start.js';
import { addAgent, addGroup, createWorld } from '../support/router-world.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, emptyPgDatabase, eventually, TEST_QUEUE_TYPE } from '../support/services.js';
import { LOOPBACK_ALLOW } from '../support/connectors.js';

const CHROMIUM = '/usr/bin/chromium';
const PIXEL = new URL('../../connectors/web/fixtures/pixel.png', import.meta.url).pathname;

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
  const sockets: string[] = [];

  beforeAll(async () => {
    database = DATABASE_URL ? await emptyPgDatabase() : undefined;
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTBOUND_ALLOW: LOOPBACK_ALLOW,
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-widget-')),
      SECRET_KEY: 'cd'.repeat(32),
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...(AMQP_URL ? { AMQP_URL, BUS_NAMESPACE, BUS_QUEUE_TYPE: TEST_QUEUE_TYPE } : {}),
      LOG_LEVEL: 'silent',
    });
    running = await startProcess(config, ROLES, createLogger('silent'));
    browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'sb-chromium-')), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on('websocket', (socket) => sockets.push(socket.url()));
    world = await createWorld(running.ctx.database.db, 'widget-shop');
    const group = await addGroup(world, 'Sales');
    agentId = await addAgent(world, 'Zhang Wei', { groups: [group] });
    await running.ctx.database.db.insertInto('router_settings').values({ tenant_id: world.tenantId, default_group_id: group } as never).execute();
    channel = (await createChannel(await connectorDeps(running.ctx), world.tenantId, { type: 'web', name: 'Shop site', config: { title: 'Shop help' } })).channel;

    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html><head><title>Shop</title></head><body><h1>Our shop</h1>
<script src="${running.url}/widget/widget.js" data-key="${channel.publicKey}"></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;

  });
  afterAll(async () => {
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
    await page.evaluate(
      ({ key, cursor }) => localStorage.setItem(key, JSON.stringify({ ...JSON.parse(localStorage.getItem(key) ?? '{}'), cursor })),
      { key: `switchboard.chat.${channel.publicKey}`, cursor: String(last.id) },
    );
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
    await expect.poll(() => log.locator('.msg.out').last().textContent(), { timeout: 15_000 }).toBe('Hello! It ships tomorrow.');
    // The open widget reports it read: the agent sees it.
    await eventually(async () => {
      const reply = await db.selectFrom('messages').select('status').where('conversation_id', '=', conversation!.id).where('direction', '=', 'out').executeTakeFirst();
      return reply?.status === 'read';
    });
    expect(sockets.some((url) => url.includes(`/widget/${channel.publicKey}/socket`))).toBe(true);
  });

  it('shows a rating card once the agent resolves the conversation, and records the stars the visitor gives', { timeout: 60_000 }, async () => {
    const db = running.ctx.database.db;
    const conversation = await db.selectFrom('conversations').selectAll().where('channel_id', '=', channel.id).executeTakeFirstOrThrow();
    await resolveConversation({ database: running.ctx.database, relay: running.ctx.relay, logger: running.ctx.logger }, { tenantId: world.tenantId, conversationId: conversation.id, actorId: agentId });
    running.ctx.relay.poke();
    const stars = page.locator('#switchboard-chat .survey .star');
    await expect.poll(() => stars.count(), { timeout: 15_000 }).toBe(5);
    await stars.nth(4).click();
    await page.locator('#switchboard-chat .survey').getByText('Thank you', { exact: false }).waitFor();
    const answer = await eventually(() => reportDb(db).selectFrom('csat_responses').selectAll().where('conversation_id', '=', conversation.id).executeTakeFirst(), { timeoutMs: 10_000 });
    expect(answer).toMatchObject({ rating: 5, via: 'widget', agent_id: agentId });
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
        async () => db.selectFrom('messages').selectAll().where('channel_id', '=', channel.id).where(sql<boolean>`content @> ${JSON.stringify([{ text: 'hello over SSE' }])}::jsonb`).executeTakeFirst(),
        { timeoutMs: 15_000 },
      );
      await queueReply(db, { tenantId: world.tenantId, conversationId: message!.conversation_id, sender: { type: 'agent', id: agentId }, parts: [{ type: 'text', text: 'Hi there, by SSE' }] });
      running.ctx.relay.poke();
      await expect.poll(() => other.locator('#switchboard-chat .msg.out').last().textContent(), { timeout: 15_000 }).toBe('Hi there, by SSE');
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
      await tab.locator('#switchboard-chat .form button').click();
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
});
