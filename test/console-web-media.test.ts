import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { ContentPart, InboundEnvelope } from '../core/domain/messages.js';
import { startMediaHost, type MediaHost } from './fakes/media-host.js';
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
import { publishInbound } from './support/router-world.js';
import { eventually } from './support/services.js';

/**
 * A customer's images given by address reach the agent as copies from this server, live; one the
 * server may not fetch is a placeholder with a link, and the agent's browser never asks the
 * customer's host for anything. The host is reachable for the server only as `localhost`.
 */
describe.skipIf(!browserAvailable)('console web app: customer media', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let host: MediaHost;
  let channel: { id: string; type: string; tenantId: string };
  const browserAsked: string[] = [];

  const customerSends = async (parts: ContentPart[]) => {
    const envelope: InboundEnvelope = {
      version: 1,
      tenantId: channel.tenantId,
      channelId: channel.id,
      channelType: channel.type,
      receivedAt: new Date().toISOString(),
      message: { externalId: randomUUID(), sender: { externalId: 'visitor-m', displayName: 'Chen Jing' }, parts },
    };
    await publishInbound(server.process.ctx.bus, server.process.ctx.config.inboundShards, envelope);
  };

  beforeAll(async () => {
    host = await startMediaHost();
    [server, browser] = await Promise.all([startSwitchboard({ OUTBOUND_ALLOW: 'localhost' }), launchBrowser()]);
    const { tenantId } = await signUpCompany(server, { companyName: 'Media Co', slug: 'media-co', name: 'Mei Admin', email: 'mei@example.com' });
    const db = server.process.ctx.database.db;
    const row = await db
      .insertInto('channels')
      .values({ tenant_id: tenantId, type: 'sandbox', name: 'Shop app' })
      .returning(['id', 'type'])
      .executeTakeFirstOrThrow();
    channel = { ...row, tenantId };
    ({ page } = await newPage(browser));
    page.on('request', (request) => browserAsked.push(request.url()));
    await signIn(page, server, 'media-co', 'mei@example.com');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await host?.close();
  });

  it('shows a customer’s image from this server once copied, live, and a refused one as a link it never loads', async () => {
    await customerSends([{ type: 'text', text: 'Hello, a question about my parcel' }]);
    const db = server.process.ctx.database.db;
    const conversation = await eventually(() => db.selectFrom('conversations').select('id').where('channel_id', '=', channel.id).executeTakeFirst(), {
      timeoutMs: 15_000,
    });
    await page.goto(`${server.url}/t/media-co/conversations/${conversation!.id}`);
    const log = page.getByRole('log', { name: 'Messages' });
    await log.getByText('Hello, a question about my parcel').waitFor();

    await customerSends([
      { type: 'image', url: `http://localhost:${host.port}/held.png`, name: 'parcel.png' },
      { type: 'image', url: `http://127.0.0.1:${host.port}/photo.png`, name: 'label.png' },
    ]);
    // While the server copies it, the image is a placeholder; then the copy shows without a reload.
    const pending = log.getByRole('figure', { name: 'parcel.png, not loaded' });
    await pending.getByText('Not loaded: it is kept at an outside address.').waitFor({ timeout: 15_000 });
    await eventually(() => host.requests.some((r) => r.path === '/held.png'), { timeoutMs: 15_000 });
    host.release();
    const image = log.getByRole('img', { name: 'parcel.png' });
    await image.waitFor({ timeout: 15_000 });
    await eventually(async () => expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(2));
    expect(await image.getAttribute('src')).toMatch(/\/api\/attachments\/[0-9a-f-]{36}$/);

    // The address the server refused stays a placeholder, saying why, with a link the agent may open.
    const refused = log.getByRole('figure', { name: 'label.png, not loaded' });
    await refused.getByText('the server may not fetch from this address', { exact: false }).waitFor({ timeout: 15_000 });
    const link = refused.getByRole('link', { name: 'Open in a new tab' });
    expect(await link.getAttribute('href')).toBe(`http://127.0.0.1:${host.port}/photo.png`);
    expect(await link.getAttribute('target')).toBe('_blank');
    expect((await link.getAttribute('rel'))?.split(' ')).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
    expect(await log.locator(`img[src*=":${host.port}"], audio[src*=":${host.port}"], video[src*=":${host.port}"]`).count()).toBe(0);
    await refused.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-web-media-placeholder');

    // Only the server asked the customer's host, and only for the image it may fetch.
    expect(browserAsked.filter((url) => url.includes(`:${host.port}`))).toEqual([]);
    expect(host.requests.map((r) => r.path)).toEqual(['/held.png']);
    expect(host.requests[0]!.headers['user-agent'] ?? '').not.toMatch(/Chrome|Mozilla/);
    expect(pageProblems(page)).toEqual([]);
  });

  it('says the same in Chinese', async () => {
    await page.getByLabel('Language').selectOption('zh');
    const refused = page.getByRole('log', { name: '消息' }).getByRole('figure', { name: 'label.png（未加载）' });
    await refused.getByText('未加载：服务器不可从该地址获取（内部网络）。').waitFor();
    await refused.getByRole('link', { name: '在新标签页中打开' }).waitFor();
    await screenshot(page, 'console-web-media-placeholder-zh');
    expect(browserAsked.filter((url) => url.includes(`:${host.port}`))).toEqual([]);
  });
});
