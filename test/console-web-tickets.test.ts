import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createTicket } from '../tickets/part.js';
import { registerTicketTimers } from '../tickets/part.js';
import { testJobRunner } from './support/jobs.js';
import { browserAvailable, launchBrowser, newPage, pageProblems, screenshot, startSwitchboard, type TestServer } from './support/browser.js';
import { seedCustomerConversation } from './support/web-world.js';

/** An agent raises a ticket from a conversation and works it; the admin sets SLA targets and automations. */
describe.skipIf(!browserAvailable)('console web app: tickets, SLA badges and automations', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let adminId: string;
  let conversationId: string;
  let contactId: string;
  const db = () => server.process.ctx.database.db;

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    const signUp = await fetch(`${server.url}/api/signup`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ companyName: 'Ticket Co', slug: 'ticket-co', name: 'Ada Admin', email: 'ada@example.com', password: 'correct horse battery' }),
    });
    expect(signUp.status).toBe(201);
    tenantId = (await db().selectFrom('tenants').select('id').where('slug', '=', 'ticket-co').executeTakeFirstOrThrow()).id;
    adminId = (await db().selectFrom('users').select('id').where('email', '=', 'ada@example.com').executeTakeFirstOrThrow()).id;
    const seeded = await seedCustomerConversation(db(), {
      tenantSlug: 'ticket-co',
      assigneeId: adminId,
      contactName: 'Li Lei',
      messages: [{ direction: 'in', parts: [{ type: 'text', text: 'The blender I bought stopped working <b>after a week</b>' }] }],
    });
    conversationId = seeded.conversationId;
    await db()
      .insertInto('ticket_fields')
      .values({ tenant_id: tenantId, key: 'order_no', label: 'Order number', type: 'text', required_on: ['solved'] })
      .execute();
    contactId = (await db().selectFrom('conversations').select('contact_id').where('id', '=', conversationId).executeTakeFirstOrThrow()).contact_id;
    ({ page } = await newPage(browser));
    await page.goto(`${server.url}/t/ticket-co/sign-in`);
    await page.getByLabel('E-mail').fill('ada@example.com');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('tab', { name: /Mine/ }).waitFor();
    // A whole Switchboard starts here; on a busy machine that takes a while.
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('sets SLA targets in the settings', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('link', { name: 'SLA policies' }).click();
    await page.getByText('No SLA policies yet: tickets have no targets.').waitFor();
    const form = page.getByRole('form', { name: 'Add SLA policy' });
    await form.getByLabel('Name').fill('Standard');
    await form.getByLabel('Normal: First response').fill('60');
    await form.getByLabel('Normal: Resolution').fill('480');
    await form.getByRole('button', { name: 'Add SLA policy' }).click();
    await page.getByRole('status').filter({ hasText: 'Standard is added.' }).waitFor();
    await page.getByRole('table', { name: 'SLA policies' }).getByText('Normal: First response 60′, Resolution 480′').waitFor();

    // Automations are built in test/console-web-automations.test.ts.
    await screenshot(page, 'console-web-sla-policies');
  });

  it('raises a ticket from a conversation and works it: a note, a public reply, a new status, the history', async () => {
    await page.goto(`${server.url}/t/ticket-co/conversations/${conversationId}`);
    await page.getByRole('button', { name: 'Create ticket' }).click();
    const create = page.getByRole('form', { name: 'Create ticket' });
    await create.getByLabel('Ticket subject').fill('Blender broken after a week');
    await create.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: 'Ticket #1: Blender broken after a week' }).waitFor();
    await page.getByText('Li Lei').first().waitFor();

    const reply = page.getByRole('form', { name: 'Reply' });
    await reply.getByLabel('Internal note').check();
    await reply.getByLabel('Message').fill('Check the warranty first.');
    await reply.getByRole('button', { name: 'Send', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Sent.' }).waitFor();
    await reply.getByLabel('Public reply to the customer').check();
    await reply.getByLabel('Message').fill('We will send a replacement.');
    await reply.getByLabel('Then set status').selectOption({ label: 'Pending' });
    await reply.getByRole('button', { name: 'Send', exact: true }).click();
    const thread = page.getByRole('region', { name: 'Replies and notes' });
    await thread.getByText('We will send a replacement.').waitFor();
    await expect(thread.getByText('Check the warranty first.').textContent()).resolves.toBe('Check the warranty first.');
    const history = page.getByRole('region', { name: 'History' });
    await history.getByText('Ada Admin changed the status from Open to Pending').waitFor();
    const sent = await db().selectFrom('messages').select('content').where('conversation_id', '=', conversationId).where('direction', '=', 'out').execute();
    expect(sent.map((m) => (m.content as { text: string }[])[0]!.text)).toEqual(['We will send a replacement.']);
    expect(pageProblems(page)).toEqual([]);
    await screenshot(page, 'console-web-ticket');
  });

  it('lists tickets with their SLA badges, red once the first response is breached', async () => {
    const ticket = await db().selectFrom('tickets').select(['id', 'sla']).where('tenant_id', '=', tenantId).where('number', '=', '1').executeTakeFirstOrThrow();
    // Answered in time: the first-response target is met, the resolution target counts.
    expect(ticket.sla.clocks?.firstResponse?.state).toBe('met');
    const late = await db()
      .transaction()
      .execute((trx) =>
        createTicket(
          trx,
          tenantId,
          { subject: 'No answer yet', requesterId: contactId, via: 'api' },
          { actor: { type: 'user', id: adminId }, now: new Date() },
        ),
      );
    // The test's clock: an hour and a minute later, without waiting for it.
    const timers = testJobRunner(db(), { clock: () => new Date() });
    registerTicketTimers(timers, db());
    await timers.runDue(new Date(Date.now() + 61 * 60_000));
    await page.getByRole('link', { name: 'Tickets', exact: true }).click();
    const table = page.getByRole('table', { name: 'Tickets' });
    const row = table.getByRole('row', { name: /No answer yet/ });
    await row.getByText(/First response breached/).waitFor();
    // Pending (waiting on the customer): its resolution clock stands still, and the badge says so.
    await expect(table.getByRole('row', { name: /Blender broken/ }).textContent()).resolves.toMatch(/Resolution paused while pending/);
    await screenshot(page, 'console-web-ticket-list');

    // Bulk: both to "On hold".
    await page.getByLabel('Select ticket #1').check();
    await page
      .getByLabel(`Select ticket #${Number((await db().selectFrom('tickets').select('number').where('id', '=', late.id).executeTakeFirstOrThrow()).number)}`)
      .check();
    await page.getByLabel('Change 2 selected').selectOption({ label: 'On hold' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByRole('status').filter({ hasText: '2 changed, 0 refused.' }).waitFor();

    // A saved view of the tickets on hold.
    await page.getByLabel('Status', { exact: true }).selectOption({ label: 'On hold' });
    const save = page.getByRole('form', { name: 'Save as view' });
    await save.getByLabel('View name').fill('On hold');
    await save.getByRole('button', { name: 'Save as view' }).click();
    await page.getByRole('status').filter({ hasText: 'View “On hold” is saved.' }).waitFor();
    const views = await db().selectFrom('ticket_views').select(['name', 'filters', 'owner_id']).where('tenant_id', '=', tenantId).execute();
    expect(views).toEqual([{ name: 'On hold', filters: { status: ['on_hold'] }, owner_id: adminId }]);
  });

  it('merges one ticket into another, and shows everything in Chinese', async () => {
    await page.getByRole('table', { name: 'Tickets' }).getByRole('link', { name: 'No answer yet' }).click();
    const merge = page.getByRole('form', { name: 'Merge into another ticket' });
    await merge.getByLabel('Number of the ticket to merge into').fill('#1');
    await merge.getByRole('button', { name: 'Merge' }).click();
    await page.getByRole('heading', { name: 'Ticket #1: Blender broken after a week' }).waitFor();
    await page
      .getByRole('region', { name: 'Replies and notes' })
      .getByText(/was merged into this ticket/)
      .waitFor();

    // Solving needs the order number: the server says so, then takes it.
    const fields = page.getByRole('form', { name: 'Ticket fields' });
    await fields.getByLabel('Status', { exact: true }).selectOption({ label: 'Solved' });
    await fields.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'Order number: required' }).waitFor();
    await fields.getByLabel('Status', { exact: true }).selectOption({ label: 'Solved' });
    await fields.getByLabel('Order number').fill('A-1001');
    await fields.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Ticket saved.' }).waitFor();
    const solved = await db()
      .selectFrom('tickets')
      .select(['status', 'fields'])
      .where('tenant_id', '=', tenantId)
      .where('number', '=', '1')
      .executeTakeFirstOrThrow();
    expect(solved).toEqual({ status: 'solved', fields: { order_no: 'A-1001' } });

    await page.getByLabel('Language').selectOption('zh');
    await page.getByRole('heading', { name: '工单 #1: Blender broken after a week' }).waitFor();
    // The history in words, in Chinese, filtered by the kind of change and by who made it.
    const history = page.getByRole('region', { name: '变更记录' });
    await history.getByText('Ada Admin 将状态从「处理中」改为「等待客户」').waitFor();
    await history.getByLabel('变更类型').selectOption({ label: '自定义字段' });
    await history.getByLabel('操作人').selectOption({ label: 'Ada Admin' });
    await expect(history.getByRole('listitem').allTextContents()).resolves.toEqual([
      expect.stringMatching(/Ada Admin 将「Order number」从「无」改为「A-1001」$/),
    ]);
    await history.getByLabel('变更类型').selectOption({ label: '全部变更' });
    expect(await history.textContent()).not.toMatch(/assignee_id|order_no|[{}]/);
    await history.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-web-ticket-history-zh');
    await page.getByRole('link', { name: '返回工单列表' }).click();
    await page.getByRole('table', { name: '工单' }).getByText('已解决').first().waitFor();
    // The customer's words are text, never markup.
    expect(await page.locator('b').count()).toBe(0);
    await screenshot(page, 'console-web-tickets-zh');
    expect(pageProblems(page)).toEqual([]);
  });

  it('shows the survey to the agent as a sentence, with the customer’s rating, never its token link', async () => {
    const conversation = await db()
      .selectFrom('conversations')
      .select(['channel_id', 'assignee_id'])
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    const link = `${server.url}/survey/eyJzdXJ2ZXkiOiJ0b2tlbiJ9.c2lnbmVk`;
    await db()
      .insertInto('messages')
      .values({
        tenant_id: tenantId,
        conversation_id: conversationId,
        channel_id: conversation.channel_id,
        direction: 'out',
        sender_type: 'system',
        sender_id: null,
        external_id: null,
        client_id: `csat-${conversationId}`,
        content: JSON.stringify([
          { type: 'text', text: `How did we do? Please rate this conversation: ${link}` },
          { type: 'event', name: 'csat.survey', data: { url: link } },
        ]),
        status: 'sent',
        error: null,
      })
      .execute();
    await db()
      .withTables<{
        csat_responses: {
          tenant_id: string;
          conversation_id: string;
          rating: number;
          comment: string;
          via: string;
          channel_id: string;
          agent_id: string | null;
        };
      }>()
      .insertInto('csat_responses')
      .values({
        tenant_id: tenantId,
        conversation_id: conversationId,
        rating: 4,
        comment: 'Quick and kind',
        via: 'link',
        channel_id: conversation.channel_id,
        agent_id: conversation.assignee_id,
      })
      .execute();
    await page.goto(`${server.url}/t/ticket-co/conversations/${conversationId}`);
    const log = page.getByRole('log');
    await log.getByText('已向客户发送满意度评价').waitFor();
    await log.getByText('客户评分 4 分（满分 5 分）：“Quick and kind”').waitFor();
    expect(await log.textContent()).not.toMatch(/survey\/|csat\.survey/);
    await page.getByLabel('语言').first().selectOption('en');
    await log.getByText('Survey sent to the customer').waitFor();
    await log.getByText('The customer rated 4 of 5: “Quick and kind”').waitFor();
    await screenshot(page, 'console-web-survey-sentence');
    expect(pageProblems(page)).toEqual([]);
  });
});
