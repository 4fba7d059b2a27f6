import { createServer, type Server } from 'node:http';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, launchBrowser, newPage, pageProblems, screenshot, startSwitchboard, type TestServer } from './support/browser.js';
import { eventually } from './support/services.js';

/** Names the browser resolves to this machine: the company's console and the shop that embeds its chat. */
const CONSOLE_HOST = 'support.acme.test';
const SHOP_HOST = 'www.shop.test';

/** Set once on a page; still there at the end means the page never reloaded. */
const mark = (page: Page) => page.evaluate(() => Object.assign(window, { firstDayMarker: 'still here' }));
const marked = (page: Page) => page.evaluate(() => (window as unknown as { firstDayMarker?: string }).firstDayMarker);

/**
 * The first day of a new company, played in one browser without a reload: the admin signs up at
 * a real-looking address (no PUBLIC_URL), puts the chat on the shop's site, invites an agent by a
 * copied link; the agent starts online, tells the visitor apart, answers, raises a ticket from a
 * conversation outside her group, transfers it and sees it leave her list.
 */
describe.skipIf(!browserAvailable)('the first day, end to end', () => {
  let server: TestServer;
  let browser: Browser;
  let shop: Server;
  let consoleUrl: string;
  let shopUrl: string;
  let snippet = '';
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    shop = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html lang="en"><head><title>Acme shop</title></head><body><main><h1>Acme tea shop</h1><p>Green tea from Hangzhou.</p></main>\n${snippet}\n</body></html>`,
      );
    });
    await new Promise<void>((resolve) => shop.listen(0, '127.0.0.1', resolve));
    [server, browser] = await Promise.all([
      // No PUBLIC_URL: the address comes from the admin's browser.
      startSwitchboard({ PUBLIC_URL: '' }),
      launchBrowser([`--host-resolver-rules=MAP ${CONSOLE_HOST} 127.0.0.1, MAP ${SHOP_HOST} 127.0.0.1`]),
    ]);
    consoleUrl = `http://${CONSOLE_HOST}:${new URL(server.url).port}`;
    shopUrl = `http://${SHOP_HOST}:${(shop.address() as { port: number }).port}/`;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    shop?.close();
    await server?.stop();
  });

  it('plays the whole day in the browser', { timeout: 90_000 }, async () => {
    // The admin signs up at the company's address and confirms it.
    const { context: adminContext, page: admin } = await newPage(browser);
    await admin.goto(`${consoleUrl}/sign-up`);
    await expect(admin.getByLabel('Console URL').inputValue()).resolves.toBe(consoleUrl);
    await admin.getByLabel('Company name').fill('Acme Tea');
    await admin.getByLabel('Address', { exact: true }).fill('acme');
    await admin.getByLabel('Your name').fill('Ada Admin');
    await admin.getByLabel('E-mail').fill('ada@acme.test');
    await admin.getByLabel('Password').fill('correct horse battery');
    await admin.getByRole('button', { name: 'Create company' }).click();
    // Sign-up moves from the public page into the company's console; from here on nothing reloads.
    await admin.waitForURL(`${consoleUrl}/t/acme/`);
    await admin.getByRole('combobox', { name: 'Your status' }).waitFor();
    await mark(admin);
    expect(await admin.locator('.address-warning').count()).toBe(0);

    // Agents start online after signing in.
    await admin.getByRole('link', { name: 'Settings' }).click();
    await admin.getByRole('link', { name: 'Single sign-on' }).click();
    const signInForm = admin.getByRole('form', { name: 'Sign-in security' });
    await signInForm.getByLabel("Agents' status after signing in").selectOption({ label: 'Start online' });
    await signInForm.getByRole('button', { name: 'Save' }).click();
    await signInForm.getByRole('status').filter({ hasText: 'Sign-in security is saved.' }).waitFor();

    // The web chat, and its tag at the company's address.
    await admin.getByRole('link', { name: 'Channels' }).click();
    const addChannel = admin.getByRole('form', { name: 'Add channel' });
    await addChannel.getByLabel('Type').selectOption({ label: 'Web chat' });
    await addChannel.getByLabel('Name').fill('Shop chat');
    await addChannel.getByRole('button', { name: 'Add channel' }).click();
    await admin.getByRole('status').filter({ hasText: 'Shop chat is added.' }).waitFor();
    snippet = await admin.getByRole('region', { name: 'Settings of Shop chat' }).getByLabel('Embed code').inputValue();
    expect(snippet).toMatch(new RegExp(`^<script src="${consoleUrl}/widget/widget.js" data-key="pk_`));

    // An agent, invited without SMTP: the admin copies the link.
    await admin.getByRole('link', { name: 'Agents' }).click();
    const invite = admin.getByRole('form', { name: 'Invite an agent' });
    await invite.getByLabel('Name').fill('Mei Lin');
    await invite.getByLabel('E-mail').fill('mei@acme.test');
    await invite.getByRole('checkbox', { name: 'Support' }).check();
    await invite.getByRole('button', { name: 'Send invitation' }).click();
    const shown = admin.locator('.link-once');
    await shown.getByText('Invitation link for Mei Lin, shown only now.').waitFor();
    const link = (await shown.locator('code').textContent())!;
    expect(link.startsWith(`${consoleUrl}/t/acme/activate?token=`)).toBe(true);
    await shown.getByRole('button', { name: 'Copy' }).click();
    // Plain http at a name is no secure context: the page has no navigator.clipboard, yet Copy works.
    expect(await admin.evaluate(() => window.isSecureContext)).toBe(false);
    await shown.getByRole('button', { name: 'Copied' }).waitFor();
    await adminContext.grantPermissions(['clipboard-read'], { origin: server.url });
    const reader = await adminContext.newPage();
    await reader.goto(`${server.url}/sign-in`);
    expect(await reader.evaluate(() => navigator.clipboard.readText())).toBe(link);
    await reader.close();

    // The agent opens the link in her own browser, sets a password and signs in.
    const { page: agent } = await newPage(browser);
    await agent.goto(link);
    await mark(agent);
    await agent.getByLabel('New password').fill('mei secret password');
    await agent.getByLabel('Repeat the password').fill('mei secret password');
    await agent.getByRole('button', { name: 'Save' }).click();
    await agent.getByRole('status').filter({ hasText: 'Your password is set.' }).waitFor();
    await agent.getByRole('link', { name: 'Sign in' }).click();
    await agent.getByLabel('E-mail').fill('mei@acme.test');
    await agent.getByLabel('Password').fill('mei secret password');
    await agent.getByRole('button', { name: 'Sign in' }).click();
    await agent.getByRole('tab', { name: /Mine/ }).waitFor();
    await expect.poll(() => agent.getByRole('combobox', { name: 'Your status' }).inputValue()).toBe('online');

    // A customer on the shop's site, another origin, writes through the widget.
    const { page: customer } = await newPage(browser);
    await customer.goto(shopUrl);
    await customer.locator('#switchboard-chat .launcher').click();
    const composer = customer.locator('#switchboard-chat textarea[name=message]');
    await composer.fill('Do you ship to Hangzhou?');
    await composer.press('Enter');

    // She tells the visitor apart by the made-up name and what they wrote.
    const mine = agent.getByRole('tabpanel', { name: /Mine/ });
    const visitor = mine.getByRole('link', { name: /Visitor \d{4}/ });
    await visitor.getByText('Do you ship to Hangzhou?').waitFor({ timeout: 20_000 });
    await screenshot(agent, 'first-day-agent-inbox');

    // She answers; the customer reads it on the shop's page.
    await visitor.click();
    await agent.getByRole('log', { name: 'Messages' }).getByText('Do you ship to Hangzhou?').waitFor();
    await agent.getByRole('combobox', { name: /Write a reply/ }).fill('Yes, in two days.');
    await agent.getByRole('form', { name: 'Reply' }).getByRole('button', { name: 'Send', exact: true }).click();
    await agent.getByRole('log', { name: 'Messages' }).getByText('Yes, in two days.').waitFor();
    await customer.locator('#switchboard-chat .msg.out', { hasText: 'Yes, in two days.' }).waitFor({ timeout: 15_000 });
    await screenshot(customer, 'first-day-shop-widget');

    // A supervisor had moved the conversation to Billing, a group she is not in, and left it with her.
    const tenantId = (await db().selectFrom('tenants').select('id').where('slug', '=', 'acme').executeTakeFirstOrThrow()).id;
    const billing = (
      await db().insertInto('groups').values({ tenant_id: tenantId, name: 'Billing', strategy: 'manual' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const conversation = await db().selectFrom('conversations').select(['id', 'assignee_id']).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    const mei = (await db().selectFrom('users').select('id').where('email', '=', 'mei@acme.test').executeTakeFirstOrThrow()).id;
    expect(conversation.assignee_id).toBe(mei);
    await db().updateTable('conversations').set({ group_id: billing }).where('id', '=', conversation.id).execute();

    // She raises a ticket from it and can open it.
    await agent.getByRole('button', { name: 'Create ticket' }).click();
    const create = agent.getByRole('form', { name: 'Create ticket' });
    await create.getByLabel('Ticket subject').fill('Shipping to Hangzhou');
    await create.getByRole('button', { name: 'Create' }).click();
    await agent.getByRole('heading', { name: 'Ticket #1: Shipping to Hangzhou' }).waitFor();
    await screenshot(agent, 'first-day-ticket');
    expect(await agent.getByRole('alert').count()).toBe(0);

    // Back in the conversation, she transfers it to Support; it leaves her list at once.
    await agent.goBack();
    await agent.getByRole('log', { name: 'Messages' }).getByText('Yes, in two days.').waitFor();
    await agent.getByRole('toolbar', { name: 'Conversation actions' }).getByRole('button', { name: 'Transfer' }).click();
    const transfer = agent.getByRole('form', { name: 'Transfer the conversation' });
    await transfer.getByRole('radio', { name: 'A group' }).check();
    await transfer.getByLabel('Group', { exact: true }).selectOption({ label: 'Billing' });
    await transfer.getByRole('button', { name: 'Transfer' }).click();
    await agent.getByRole('status').filter({ hasText: 'This conversation was transferred to Billing.' }).waitFor();
    await eventually(async () => expect(await mine.getByRole('link', { name: /Visitor \d{4}/ }).count()).toBe(0));
    expect(await agent.getByRole('alert').count()).toBe(0);

    // Nothing reloaded, nothing broke.
    expect(await marked(admin)).toBe('still here');
    expect(await marked(agent)).toBe('still here');
    expect(pageProblems(admin)).toEqual([]);
    expect(pageProblems(agent)).toEqual([]);
    expect(pageProblems(customer)).toEqual([]);
  });
});
