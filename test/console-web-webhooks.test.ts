import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createChannel } from '../core/connector/channels.js';
import { webhookReceiver, type WebhookReceiver } from '../core/connector/testkit/receiver.js';
import { connectorDeps } from '../app/gateway.js';
import { queueReply } from '../core/conversations/reply.js';
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
import { eventually } from './support/services.js';

/** An admin subscribes a URL, watches a delivery fail, reads the receiver's answers and replays it. */
describe.skipIf(!browserAvailable)('console web app: company webhooks and their delivery log', () => {
  let server: TestServer;
  let browser: Browser;
  let admin: Page;
  let receiver: WebhookReceiver;
  let tenantId: string;

  beforeAll(async () => {
    receiver = await webhookReceiver();
    [server, browser] = await Promise.all([startSwitchboard({ WEBHOOK_ATTEMPTS: '2', WEBHOOK_RETRY_BASE_MS: '100' }), launchBrowser()]);
    ({ tenantId } = await signUpCompany(server, { companyName: 'Hook Co', slug: 'hook-co' }));
    ({ page: admin } = await newPage(browser));
    await signIn(admin, server, 'hook-co');
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await receiver?.close();
  });

  it('subscribes a URL, shows each attempt with the receiver’s answer, and replays the failed delivery once', async () => {
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Webhooks' }).click();
    await admin.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    const form = admin.getByRole('form', { name: 'Add webhook' });
    await form.getByLabel('Name').fill('Order system');
    await form.getByLabel('URL').fill(receiver.url);
    await expect(form.getByRole('checkbox', { name: /Message \(customer or agent\)/ }).isChecked()).resolves.toBe(true);
    await form.getByRole('button', { name: 'Add webhook' }).click();
    await admin.getByText('The signing secret of Order system').waitFor();
    await expect(admin.locator('.token-once code').textContent()).resolves.toMatch(/^whsec_/);

    // A customer writes through the app API; the receiver refuses both attempts.
    receiver.failNext(500, 500);
    const deps = await connectorDeps(server.process.ctx);
    const { channel, apiKey } = await createChannel(deps, tenantId, {
      type: 'app-api',
      name: 'Shop app',
      config: { webhookSecret: 'app-webhook-secret-0123456789' },
    });
    const posted = await fetch(`${server.url}/hooks/${channel.id}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ clientMessageId: 'order-77', user: { id: 'cust-77', name: 'Wang Fang' }, text: '我的订单（#77）到哪了？' }),
    });
    expect(posted.status).toBe(202);
    await eventually(() => receiver.requests.length === 2, { timeoutMs: 15_000 });

    const log = admin.getByRole('region', { name: 'Delivery log: Order system' });
    const rows = log.getByRole('table', { name: 'Deliveries' }).getByRole('row');
    await eventually(
      async () => {
        await log.getByRole('button', { name: 'Refresh' }).click();
        return (await rows.filter({ hasText: 'Failed' }).count()) === 1;
      },
      { timeoutMs: 10_000 },
    );
    const failed = rows.filter({ hasText: 'Failed' });
    await expect(failed.textContent()).resolves.toContain('the receiver answered 500');
    await expect(failed.locator('.attempts li').count()).resolves.toBe(2);
    await screenshot(admin, 'console-web-webhooks-failed');

    await failed.getByRole('button', { name: 'Replay' }).click();
    await log.getByText('Sent again: 1.').waitFor();
    await eventually(
      async () => {
        await log.getByRole('button', { name: 'Refresh' }).click();
        return (await rows.filter({ hasText: 'Delivered' }).count()) === 1;
      },
      { timeoutMs: 10_000 },
    );
    await expect(rows.filter({ hasText: 'Delivered' }).locator('.attempts li').count()).resolves.toBe(3);
    await screenshot(admin, 'console-web-webhooks-log');
    // One delivery id across the three attempts; the receiver took it once.
    expect(new Set(receiver.requests.map((r) => r.headers['x-switchboard-delivery'])).size).toBe(1);
    expect(receiver.accepted()).toHaveLength(1);
    expect(pageProblems(admin)).toEqual([]);
  });

  it('shows the agent why a reply was not delivered, and sends it again', async () => {
    const db = server.process.ctx.database.db;
    const app = await webhookReceiver();
    try {
      const deps = await connectorDeps(server.process.ctx);
      const { channel, apiKey } = await createChannel(deps, tenantId, {
        type: 'app-api',
        name: 'Orders app',
        config: { webhookUrl: app.url, webhookSecret: 'app-webhook-secret-0123456789' },
      });
      await fetch(`${server.url}/hooks/${channel.id}/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ clientMessageId: 'order-78', user: { id: 'cust-78', name: 'Li Na' }, text: 'Can I change the address?' }),
      });
      const inbound = await eventually(() => db.selectFrom('messages').select('conversation_id').where('channel_id', '=', channel.id).executeTakeFirst());
      app.failNext(410);
      await queueReply(db, {
        tenantId,
        conversationId: inbound!.conversation_id,
        sender: { type: 'agent', id: null },
        parts: [{ type: 'text', text: 'Yes, which one?' }],
      });
      server.process.ctx.relay.poke();
      await admin.goto(`${server.url}/t/hook-co/conversations/${inbound!.conversation_id}`);
      const reason = admin.getByRole('alert').filter({ hasText: 'Not delivered: the webhook answered 410' });
      await reason.waitFor({ timeout: 15_000 });
      await expect(reason.textContent()).resolves.toContain('(410)');
      await screenshot(admin, 'console-web-failed-reply');
      await reason.getByRole('button', { name: 'Send again' }).click();
      await admin.getByText('Yes, which one?').locator('xpath=ancestor::article').getByText('Delivered', { exact: true }).waitFor({ timeout: 15_000 });
      await expect(reason.count()).resolves.toBe(0);
      expect(app.accepted()).toHaveLength(1);
      expect(pageProblems(admin)).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
