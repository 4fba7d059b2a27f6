import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { InboundEnvelope } from '../core/domain/messages.js';
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

/** A manager reads every report, changes the range, exports CSV, and watches the live monitor move. */
describe.skipIf(!browserAvailable)('console web app: reports and the live monitor', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let channel: { id: string; type: string; tenantId: string };

  const customerWrites = async (from: string, text: string) => {
    const envelope: InboundEnvelope = {
      version: 1,
      tenantId: channel.tenantId,
      channelId: channel.id,
      channelType: channel.type,
      receivedAt: new Date().toISOString(),
      message: { externalId: randomUUID(), sender: { externalId: from, displayName: from }, parts: [{ type: 'text', text }] },
    };
    await publishInbound(server.process.ctx.bus, server.process.ctx.config.inboundShards, envelope);
  };

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { tenantId } = await signUpCompany(server, { companyName: 'Report Co', slug: 'report-co', name: 'Mia Manager', email: 'mia@example.com' });
    const db = server.process.ctx.database.db;
    const row = await db
      .insertInto('channels')
      .values({ tenant_id: tenantId, type: 'sandbox', name: 'Website' })
      .returning(['id', 'type'])
      .executeTakeFirstOrThrow();
    channel = { ...row, tenantId };
    ({ page } = await newPage(browser));
    await signIn(page, server, 'report-co', 'mia@example.com');
    await page.getByRole('status', { name: 'Live' }).waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('opens each report, changes the range and exports CSV', async () => {
    await customerWrites('visitor-1', 'Where is my parcel?');
    await page.getByRole('link', { name: 'Reports' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const created = page.getByRole('definition').filter({ hasText: /^\d+$/ }).first();
    await created.waitFor();
    // The conversation reaches the rollups through the events: a change of range reloads the report.
    const from = page.getByLabel('From');
    const today = await from.inputValue();
    for (let i = 0; i < 40; i++) {
      await from.fill(i % 2 ? today : new Date(Date.parse(`${today}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10));
      const cards = page.getByRole('list', { name: 'Totals' }).or(page.locator('dl[aria-label="Totals"]'));
      const text = await cards.locator('[data-figure="created"] dd').textContent();
      if (text === '1') break;
      await page.waitForTimeout(250);
    }
    await expect(page.locator('[data-figure="created"] dd').textContent()).resolves.toBe('1');
    await page.getByRole('img', { name: 'Overview' }).waitFor();
    await screenshot(page, 'console-web-reports-overview');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.split('\n')[0]).toContain('key,created,');
    expect(download.suggestedFilename()).toMatch(/^overview-.*\.csv$/);

    for (const [link, heading] of [
      ['Channels', 'Channels'],
      ['Agents', 'Agents'],
      ['Groups', 'Groups'],
      ['Tickets & SLA', 'Tickets & SLA'],
      ['Calls', 'Calls'],
      ['Satisfaction', 'Satisfaction'],
    ] as const) {
      await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: link }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await page.getByRole('table', { name: 'Details' }).waitFor();
    }
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Channels' }).click();
    await page
      .getByRole('table', { name: 'Details' })
      .getByRole('row', { name: /Website/ })
      .waitFor();
    await page.getByLabel('From').fill('2026-01-01');
    await page
      .getByRole('table', { name: 'Details' })
      .getByRole('row', { name: /Website/ })
      .waitFor();
    const [channels] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
    expect(readFileSync((await channels.path())!, 'utf8')).toContain('Website');
    expect(pageProblems(page)).toEqual([]);
  });

  it('updates the live monitor when a conversation is queued and when it is assigned', async () => {
    await page.getByRole('navigation', { name: 'Reports' }).getByRole('link', { name: 'Live monitor' }).click();
    await page.getByRole('table', { name: 'Queues' }).waitFor();
    const waiting = page.getByRole('table', { name: 'Queues' }).locator('[data-figure="waitingConversations"]');
    const total = async () => (await waiting.allTextContents()).reduce((sum, t) => sum + Number(t), 0);
    await expect.poll(total, { timeout: 4000 }).toBe(1);
    // Queued: shows without a reload, well before the page's slow tick (5 s).
    await customerWrites('visitor-2', 'Hello?');
    await expect.poll(total, { timeout: 4000, interval: 100 }).toBe(2);
    await screenshot(page, 'console-web-reports-monitor-queued');
    // Mia goes online: the router assigns both to her, the monitor follows.
    await page.getByRole('combobox', { name: 'Your status' }).selectOption('online');
    await expect.poll(total, { timeout: 4000, interval: 100 }).toBe(0);
    const mine = page.getByRole('table', { name: 'Agents' }).getByRole('row', { name: /Mia Manager/ });
    await expect.poll(() => mine.locator('[data-figure="openConversations"]').textContent(), { timeout: 4000 }).toBe('2');
    await screenshot(page, 'console-web-reports-monitor-assigned');
    expect(pageProblems(page)).toEqual([]);
  });
});
