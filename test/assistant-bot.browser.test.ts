import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { sql } from 'kysely';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectorDeps } from '../app/gateway.js';
import { createChannel } from '../core/connector/channels.js';
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

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

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
 * The answer bot end to end: a visitor of the web chat asks a question the knowledge base
 * answers, reads the bot's answer with its citation, asks for a person, and the agent gets the
 * conversation with the bot's summary; from then on the bot says nothing.
 */
describe.skipIf(!browserAvailable)('the answer bot in the web chat and the console', () => {
  let server: TestServer;
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  let tenantId: string;
  let adminId: string;
  let channelId: string;
  let articleId: string;
  let agent: Page;
  let visitor: Page;
  const slug = 'bot-shop';

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ tenantId, adminId } = await signUpCompany(server, { companyName: 'Bot Shop', slug }));
    const db = server.process.ctx.database.db;
    // The admin answers chats in the company's default group.
    const group = await db.selectFrom('groups').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'Support').executeTakeFirstOrThrow();
    await db
      .insertInto('group_members')
      .values({ tenant_id: tenantId, group_id: group.id, user_id: adminId })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await db
      .insertInto('router_settings')
      .values({ tenant_id: tenantId, default_group_id: group.id } as never)
      .onConflict((oc) => oc.column('tenant_id').doUpdateSet({ default_group_id: group.id } as never))
      .execute();
    await db.updateTable('users').set({ agent_status: 'online' }).where('id', '=', adminId).execute();
    const { channel } = await createChannel(await connectorDeps(server.process.ctx), tenantId, {
      type: 'web',
      name: 'Shop site',
      config: { title: 'Shop help', preChatMode: 'off' },
    });
    channelId = channel.id;
    const body = 'To reset your password, open Settings and choose Reset password. We send a link to your e-mail address. The link works for one hour.';
    const { rows } = await sql<{ id: string }>`insert into knowledge_articles (tenant_id, locale, title, body, body_text, state, published_at)
      values (${tenantId}, 'en', 'Reset your password', ${`<p>${body}</p>`}, ${body}, 'published', now()) returning id`.execute(db);
    articleId = rows[0]!.id;
    site = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Shop</title></head><body><main><h1>Our shop</h1></main>
<script src="${server.url}/widget/widget.js" data-key="${channel.publicKey}"></script></body></html>`);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://127.0.0.1:${(site.address() as { port: number }).port}/`;
    ({ page: agent } = await newPage(browser));
    ({ page: visitor } = await newPage(browser, { locale: 'en-GB', width: 420 }));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    site?.close();
    await server?.stop();
  });

  it('is switched on by an admin on the answer bot page', { timeout: 60_000 }, async () => {
    await signIn(agent, server, slug);
    await agent.goto(`${server.url}/t/${slug}/admin/answer-bot`);
    const form = agent.getByRole('form', { name: 'Shop site (web)' });
    await form.getByRole('checkbox', { name: 'Answer first on this channel' }).check();
    await form.getByLabel('Contact tags that go straight to a person').fill('VIP');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByRole('status').getByText('Saved.').waitFor();
    const saved = await server.process.ctx.database.db
      .selectFrom('bot_settings' as never)
      .selectAll()
      .where('channel_id' as never, '=', channelId as never)
      .executeTakeFirst();
    expect(saved).toMatchObject({ enabled: true, max_turns: 3, handoff_tags: ['VIP'] });
    await screenshot(agent, 'answer-bot-settings');
  });

  it('answers the visitor with a citation, hands over on "talk to a person", and stays silent after', { timeout: 120_000 }, async () => {
    const db = server.process.ctx.database.db;
    await visitor.goto(siteUrl);
    await visitor.locator('#switchboard-chat .launcher').click();
    const composer = visitor.locator('#switchboard-chat textarea');
    await composer.fill('How do I reset my password?');
    // While the visitor types, the help center's matching article is offered.
    const suggested = visitor.locator('#switchboard-chat .suggestions a');
    await suggested.first().waitFor({ timeout: 10_000 });
    expect(await suggested.first().textContent()).toBe('Reset your password');
    expect(await suggested.first().getAttribute('href')).toBe(`${server.url}/help/${slug}/articles/${articleId}`);
    await visitor.screenshot({ path: 'test-results/answer-bot-widget-suggestions.png' });
    await composer.press('Enter');
    await visitor.locator('#switchboard-chat .suggestions').waitFor({ state: 'hidden', timeout: 5_000 });

    // The bot's answer, labelled as the bot's, with the article as a link.
    const answer = visitor.locator('#switchboard-chat .msg.out.bot');
    await answer.waitFor({ timeout: 30_000 });
    expect(await answer.locator('.who').textContent()).toBe('Assistant (bot)');
    expect(await answer.textContent()).toContain('To reset your password, open Settings and choose Reset password.');
    const link = answer.locator('.sources a');
    expect(await link.textContent()).toBe('Reset your password');
    expect(await link.getAttribute('href')).toBe(`${server.url}/help/${slug}/articles/${articleId}`);
    await visitor.screenshot({ path: 'test-results/answer-bot-widget-answer.png' });
    expect(await axeViolations(visitor)).toEqual([]);

    const conversation = await db
      .selectFrom('conversations')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow();
    expect(conversation).toMatchObject({ status: 'open', assignee_id: null });

    // "Talk to a person": routed to the agent, with the bot's summary as a note.
    await visitor.locator('#switchboard-chat .person').click();
    await eventually(
      async () => (await db.selectFrom('conversations').select('assignee_id').where('id', '=', conversation.id).executeTakeFirst())?.assignee_id === adminId,
      { timeoutMs: 20_000 },
    );

    await agent.goto(`${server.url}/t/${slug}/conversations/${conversation.id}`);
    const log = agent.getByRole('log', { name: 'Messages' });
    const note = log.getByRole('article', { name: 'Internal note by Bot' });
    await note.waitFor({ timeout: 15_000 });
    expect(await note.textContent()).toContain('Answer bot handover');
    expect(await note.textContent()).toContain('How do I reset my password?');
    expect(await note.textContent()).toContain('the customer asked for a person');
    const reply = log.locator('article.message.outgoing.bot');
    expect(await reply.locator('.bot-tag').textContent()).toBe('Answer bot');
    // The article shows once, as the cited link: the "title: address" line the text carries for
    // channels without citations is not repeated above it.
    expect(await reply.getByRole('link', { name: 'Reset your password' }).getAttribute('href')).toBe(`${server.url}/help/${slug}/articles/${articleId}`);
    expect(await reply.textContent()).toContain('To reset your password, open Settings and choose Reset password.');
    expect(await reply.textContent()).not.toContain(`/help/${slug}/articles/${articleId}`);
    expect(pageProblems(agent)).toEqual([]);
    await screenshot(agent, 'answer-bot-console-handover');

    // The visitor writes again: the agent has it, the bot says nothing more.
    await composer.fill('Thanks, I still cannot find the Settings page');
    await composer.press('Enter');
    await log.getByText('I still cannot find the Settings page').waitFor({ timeout: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const botReplies = await db
      .selectFrom('messages')
      .select('id')
      .where('conversation_id', '=', conversation.id)
      .where('sender_type', '=', 'bot')
      .where('private', '=', false)
      .execute();
    expect(botReplies).toHaveLength(1);
    expect(await visitor.locator('#switchboard-chat .msg.out.bot').count()).toBe(1);
    await visitor.screenshot({ path: 'test-results/answer-bot-widget-after.png' });
    expect(pageProblems(visitor)).toEqual([]);
  });
});
