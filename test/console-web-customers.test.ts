import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { processInbound } from '../router/pipeline/process-batch.js';
import { inboundPipeline } from '../app/pipeline.js';
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
import { seedCustomerConversation } from './support/web-world.js';

/**
 * An agent tells customers apart on the first day: a nameless web visitor reads "Visitor ####
 * · Chrome" with what they wrote last, a name edited on the profile shows in the open inbox at
 * once, and WeChat, WeCom and phone conversations carry their connectors' icons.
 */
describe.skipIf(!browserAvailable)('console web app: knowing the customer', () => {
  let server: TestServer;
  let browser: Browser;
  let inbox: Page;
  let visitorContact: string;
  const slug = 'know-web';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const { tenantId, adminId } = await signUpCompany(server, { companyName: 'Know Co', slug });
    const db = server.process.ctx.database.db;
    for (const [type, name, text] of [
      ['wechat-oa', 'Our WeChat account', '你好'],
      ['wecom-kf', 'WeCom service', '在吗'],
      ['voice-twilio', 'Hotline', 'Call from +86 138 0000 0000'],
    ] as const) {
      await seedCustomerConversation(db, {
        tenantSlug: slug,
        assigneeId: adminId,
        contactName: `${name} customer`,
        channel: { type, name },
        messages: [{ direction: 'in', parts: [{ type: 'text', text }] }],
      });
    }
    // The visitor arrives as the router makes them: no name given, a Chrome browser.
    const web = await db.insertInto('channels').values({ tenant_id: tenantId, type: 'web', name: 'Site chat' }).returning('id').executeTakeFirstOrThrow();
    const deliver = (parts: { type: 'text'; text: string }[] | { type: 'image'; attachmentId: string; name: string; mimeType: string; size: number }[]) =>
      db.transaction().execute((trx) =>
        processInbound(
          trx,
          [
            {
              version: 1,
              tenantId,
              channelId: web.id,
              channelType: 'web',
              receivedAt: new Date().toISOString(),
              message: { externalId: randomUUID(), sender: { externalId: 'v:first-day', attributes: { browser: 'Chrome' } }, parts },
            },
          ],
          { pipeline: inboundPipeline },
        ),
      );
    await deliver([{ type: 'text', text: 'Do you ship to Hangzhou?' }]);
    const conversation = await db.selectFrom('conversations').select(['id', 'contact_id']).where('channel_id', '=', web.id).executeTakeFirstOrThrow();
    visitorContact = conversation.contact_id;
    await db.updateTable('conversations').set({ assignee_id: adminId, status: 'assigned' }).where('id', '=', conversation.id).execute();
    ({ page: inbox } = await newPage(browser));
    await signIn(inbox, server, slug);
    // A live image after sign-in: the list line follows the feed.
    await deliver([{ type: 'image', attachmentId: randomUUID(), name: 'parcel.png', mimeType: 'image/png', size: 10 }]);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('shows a nameless visitor as "Visitor #### · Chrome" with the last message and the waiting time', async () => {
    const list = inbox.getByRole('list', { name: /Mine/ });
    const visitor = inbox.locator('.conversation-list a', { hasText: /Visitor \d{4} · Chrome/ });
    await visitor.waitFor();
    await visitor.getByText('[image]').waitFor();
    await visitor.getByText(/waiting (now|\d+ min)/).waitFor();
    await list
      .getByRole('link', { name: /Our WeChat account customer/ })
      .getByText('你好')
      .waitFor();
    await screenshot(inbox, 'console-web-customers-list');
    // In Chinese the made-up name is Chinese too: "访客 #### · Chrome".
    await inbox.getByLabel('Language').first().selectOption('zh');
    const visitorZh = inbox.locator('.conversation-list a', { hasText: /访客 \d{4} · Chrome/ });
    await visitorZh.getByText('[图片]').waitFor();
    await visitorZh.getByText(/刚刚在等|已等 \d+ 分钟/).waitFor();
    expect(await inbox.locator('.conversation-list a', { hasText: /Visitor \d{4}/ }).count()).toBe(0);
    await inbox.getByLabel('语言').first().selectOption('en');
    await visitor.getByText('[image]').waitFor();
  });

  it('draws WeChat OA, WeCom and phone channels with their own icons, not the plain mark', async () => {
    for (const [type, name] of [
      ['wechat-oa', 'Our WeChat account'],
      ['wecom-kf', 'WeCom service'],
      ['voice-twilio', 'Hotline'],
    ]) {
      const icon = inbox.locator(`.conversation-list [data-channel-type="${type}"]`);
      await icon.waitFor();
      expect(await icon.evaluate((el) => el.tagName)).toBe('IMG');
      expect(await icon.getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(await icon.getAttribute('alt')).toBe(name);
      expect(await icon.evaluate((el) => (el as HTMLImageElement).naturalWidth)).toBeGreaterThan(0);
    }
  });

  it('renames the customer on the profile; the open inbox shows the new name without a reload', async () => {
    const profile = await inbox.context().newPage();
    await profile.goto(`${server.url}/t/${slug}/contacts/${visitorContact}`);
    await profile.getByRole('heading', { name: /Visitor \d{4} · Chrome/ }).waitFor();
    await profile.getByRole('button', { name: 'Edit', exact: true }).click();
    const form = profile.getByRole('form', { name: 'Edit customer' });
    await form.getByLabel('Name').fill('Li Na');
    await form.getByLabel('Phone').fill('+86 138 1234 5678');
    await form.getByLabel('Company').fill('Hangzhou Tea Co');
    await screenshot(profile, 'console-web-customers-edit');
    await form.getByRole('button', { name: 'Save' }).click();
    await profile.getByRole('heading', { name: 'Li Na' }).waitFor();
    await profile.getByText('Hangzhou Tea Co').waitFor();
    await profile.getByText('+86 138 1234 5678').waitFor();
    await screenshot(profile, 'console-web-customers-profile');

    const list = inbox.getByRole('list', { name: /Mine/ });
    await list.getByRole('link', { name: /Li Na/ }).waitFor({ timeout: 10_000 });
    expect(await list.getByRole('link', { name: /Visitor \d{4}/ }).count()).toBe(0);
    await screenshot(inbox, 'console-web-customers-renamed');
    expect(pageProblems(inbox)).toEqual([]);
  });
});
