import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { InboundEnvelope } from '../core/domain/messages.js';
import { conversationSnapshot } from '../core/domain/views.js';
import { eventRoutingKey } from '../core/outbox/outbox.js';
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
import { publishInbound } from './support/router-world.js';
import { eventually } from './support/services.js';

/** What customers write reaches the open inbox without a reload, through the router and the agents' feed. */
describe.skipIf(!browserAvailable)('console web app: live inbox', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let channel: { id: string; type: string; tenantId: string };

  const customerWrites = async (from: string, text: string, name = from) => {
    const envelope: InboundEnvelope = {
      version: 1,
      tenantId: channel.tenantId,
      channelId: channel.id,
      channelType: channel.type,
      receivedAt: new Date().toISOString(),
      message: { externalId: randomUUID(), sender: { externalId: from, displayName: name }, parts: [{ type: 'text', text }] },
    };
    await publishInbound(server.process.ctx.bus, server.process.ctx.config.inboundShards, envelope);
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { tenantId } = await signUpCompany(server, { companyName: 'Live Co', slug: 'live-co', name: 'Lin Admin', email: 'lin@example.com' });
    const db = server.process.ctx.database.db;
    // A channel no connector is installed for: replies stay queued, so the delivery states this
    // test reports are the only ones.
    const row = await db
      .insertInto('channels')
      .values({ tenant_id: tenantId, type: 'sandbox', name: 'Website' })
      .returning(['id', 'type'])
      .executeTakeFirstOrThrow();
    channel = { ...row, tenantId };
    ({ page } = await newPage(browser));
    await signIn(page, server, 'live-co', 'lin@example.com');
    await page.getByRole('tab', { name: /Unassigned/ }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a new customer conversation as it arrives, counted unread, with the text inert', async () => {
    await page.getByRole('status', { name: 'Live' }).waitFor();
    await page.getByRole('combobox', { name: 'Your status' }).waitFor();
    await customerWrites('visitor-a', 'Hi <img src=x onerror=alert(1)> where is my order?', 'Zhang Wei');
    const unassigned = page.getByRole('tab', { name: /Unassigned/ });
    await unassigned.click();
    const item = page.getByRole('link', { name: /Zhang Wei/ });
    await item.waitFor({ timeout: 15_000 });
    await expect(unassigned.textContent()).resolves.toContain('1 unread');
    await screenshot(page, 'console-web-live-arrived');
    await item.click();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Hi <img src=x onerror=alert(1)> where is my order?').waitFor();
    expect(await log.locator('img[src="x"]').count()).toBe(0);
    await expect(unassigned.textContent()).resolves.not.toContain('unread');
  });

  it('adds the customer’s next message to the open conversation, and counts another conversation unread', async () => {
    await customerWrites('visitor-a', 'Order number 4711, 谢谢', 'Zhang Wei');
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Order number 4711, 谢谢').waitFor({ timeout: 15_000 });
    await customerWrites('visitor-b', 'Another question', 'Li Na');
    const other = page.getByRole('link', { name: /Li Na/ });
    await other.waitFor({ timeout: 15_000 });
    await expect(other.textContent()).resolves.toContain('1 unread');
    // The open one stays read.
    await expect(page.getByRole('link', { name: /Zhang Wei/ }).textContent()).resolves.not.toContain('unread');
    expect(pageProblems(page)).toEqual([]);
    await screenshot(page, 'console-web-live-conversation');
  });

  it('shows the customer typing and the delivery of a reply as the channel reports them', async () => {
    const { ctx } = server.process;
    const db = ctx.database.db;
    const row = await db
      .selectFrom('conversations')
      .innerJoin('contacts', 'contacts.id', 'conversations.contact_id')
      .selectAll('conversations')
      .where('contacts.name', '=', 'Zhang Wei')
      .executeTakeFirstOrThrow();
    const snapshot = conversationSnapshot(row);
    const publish = async (kind: 'typing' | 'message.updated', payload: Record<string, unknown>) => {
      const envelope = { id: `test-${randomUUID()}`, tenantId: channel.tenantId, kind, payload, at: new Date().toISOString() };
      await ctx.bus.publish('events', eventRoutingKey(channel.tenantId, kind), envelope, { messageId: envelope.id });
    };
    await page.getByRole('link', { name: /Zhang Wei/ }).click();
    await publish('typing', { conversation: snapshot, from: 'contact', on: true });
    await page.getByRole('status').filter({ hasText: 'Zhang Wei is typing…' }).waitFor();
    await publish('typing', { conversation: snapshot, from: 'contact', on: false });
    await page.getByRole('status').filter({ hasText: 'Zhang Wei is typing…' }).waitFor({ state: 'detached' });

    // The reply takes the waiting conversation for the admin, who must be online for that.
    await page.getByRole('combobox', { name: 'Your status' }).selectOption({ label: 'Online' });
    await eventually(async () =>
      expect((await db.selectFrom('users').select('agent_status').where('email', '=', 'lin@example.com').executeTakeFirstOrThrow()).agent_status).toBe(
        'online',
      ),
    );
    const box = page.getByRole('combobox', { name: /Write a reply/ });
    await box.fill('It ships tomorrow.');
    await box.press('Enter');
    const reply = page.getByRole('log', { name: 'Messages' }).getByRole('article', { name: 'Lin Admin' }).filter({ hasText: 'It ships tomorrow.' });
    await reply.waitFor();
    const message = await db.selectFrom('messages').select('id').where('conversation_id', '=', row.id).where('direction', '=', 'out').executeTakeFirstOrThrow();
    await publish('message.updated', { conversation: snapshot, messageId: message.id, status: 'delivered' });
    await reply.getByText('Delivered').waitFor();
    await screenshot(page, 'console-web-live-delivered');
  });

  it('rings and shows a desktop notification when a conversation is assigned to the agent', async () => {
    const { context, page: agent } = await newPage(browser);
    await context.grantPermissions(['notifications'], { origin: server.url });
    await context.addCookies(await page.context().cookies());
    // Record what the page asks of the browser's notification and audio APIs.
    await agent.addInitScript(() => {
      const record = window as unknown as { notified: { title: string; body?: string }[]; chimes: number };
      record.notified = [];
      record.chimes = 0;
      const Real = window.Notification;
      class Recording extends Real {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options);
          record.notified.push({ title, body: options?.body });
        }
      }
      Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
      window.Notification = Recording as typeof Notification;
      const RealAudio = window.AudioContext;
      window.AudioContext = class extends RealAudio {
        constructor() {
          super();
          record.chimes++;
        }
      } as typeof AudioContext;
    });
    await agent.goto(`${server.url}/t/live-co/`);
    await agent.getByRole('status', { name: 'Live' }).waitFor();
    // Allowed already: nothing to ask.
    expect(await agent.getByRole('button', { name: 'Show desktop notifications for new assignments' }).count()).toBe(0);
    // Lin goes online with room for chats: the router assigns the next conversation to her.
    const db = server.process.ctx.database.db;
    await db
      .updateTable('users')
      .set({ agent_status: 'online', capacity: JSON.stringify({ chat: 5 }) })
      .where('email', '=', 'lin@example.com')
      .execute();
    await customerWrites('visitor-c', 'Can someone help me?', 'Chen Jie');
    await agent.getByRole('tab', { name: 'Mine' }).click();
    await agent.getByRole('link', { name: /Chen Jie/ }).waitFor({ timeout: 15_000 });
    const seen = await eventually(
      async () => {
        const state = await agent.evaluate(() => {
          const record = window as unknown as { notified: { title: string; body?: string }[]; chimes: number };
          return { notified: record.notified, chimes: record.chimes };
        });
        return state.notified.some((n) => n.body === 'Chen Jie') ? state : undefined;
      },
      { timeoutMs: 10_000 },
    );
    // Customers still waiting in line (from the tests above) may reach Lin first, now that she
    // has room: each assignment to her is announced, and only those.
    expect(seen!.notified).toContainEqual({ title: 'New conversation assigned to you', body: 'Chen Jie' });
    const hers = await db
      .selectFrom('conversations as c')
      .innerJoin('contacts as k', 'k.id', 'c.contact_id')
      .innerJoin('users as u', 'u.id', 'c.assignee_id')
      .select('k.name')
      .where('u.email', '=', 'lin@example.com')
      .execute();
    for (const n of seen!.notified) {
      expect(n.title).toBe('New conversation assigned to you');
      expect(hers.map((h) => h.name)).toContain(n.body);
    }
    expect(seen!.chimes).toBeGreaterThanOrEqual(1);
    await screenshot(agent, 'console-web-live-assigned');
    await context.close();
  });
});
