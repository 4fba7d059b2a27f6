import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scheduleCallbackReminder } from '../callcenter/callback-reminders.js';
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
import { eventually } from './support/services.js';
import { DATABASE_URL } from './support/services.js';

/** The call center's list screens in a real browser: business records, callback plans, outbound call tasks, phone menus, queues. */
describe.skipIf(!browserAvailable || !DATABASE_URL)('console web app: the call center lists', () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let adaId: string;
  let contactId: string;
  const db = () => server.process.ctx.database.db;
  const section = (name: string) => page.getByRole('navigation', { name: 'Call center' }).getByRole('link', { name });

  beforeAll(async () => {
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ tenantId, adminId: adaId } = await signUpCompany(server, { companyName: 'Lists Co', slug: 'lists-co' }));
    const channel = await db().insertInto('channels').values({ tenant_id: tenantId, type: 'voice-cti', name: 'PBX' }).returning('id').executeTakeFirstOrThrow();
    contactId = (
      await db().insertInto('contacts').values({ tenant_id: tenantId, name: '李雷', phone: '+8613700000042' }).returning('id').executeTakeFirstOrThrow()
    ).id;
    const conversation = await db()
      .insertInto('conversations')
      .values({
        tenant_id: tenantId,
        channel_id: channel.id,
        contact_id: contactId,
        kind: 'voice',
        thread_key: 'pbx-1',
        status: 'resolved',
        assignee_id: adaId,
        subject: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const call = await db()
      .insertInto('calls')
      .values({
        tenant_id: tenantId,
        channel_id: channel.id,
        provider_call_id: 'pbx-1',
        direction: 'in',
        from_number: '+8613700000042',
        to_number: '4000',
        state: 'ended',
        ivr_flow_id: null,
        ivr_menu: null,
        group_id: null,
        agent_id: adaId,
        agent_leg_id: null,
        bridge_id: null,
        wait_seconds: 3,
        talk_seconds: 65,
        recording_ref: null,
        disposition: 'answered',
        cause: 'completed',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('business_records')
      .values([
        {
          tenant_id: tenantId,
          conversation_id: conversation.id,
          call_id: call.id,
          contact_id: contactId,
          subject: '客户要求退货',
          fields: JSON.stringify({ order_no: 'A1001' }),
          body: '',
          created_by: adaId,
        },
        {
          tenant_id: tenantId,
          conversation_id: conversation.id,
          call_id: call.id,
          contact_id: contactId,
          subject: 'Invoice question',
          fields: JSON.stringify({}),
          body: '',
          created_by: adaId,
        },
      ])
      .execute();

    ({ page } = await newPage(browser));
    await signIn(page, server, 'lists-co');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phone' }).click();
    await page.getByRole('region', { name: 'My phone' }).waitFor();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('finds business records by any part of a Chinese subject', async () => {
    await section('Business records').click();
    const list = page.getByRole('list', { name: 'Business records' });
    await list.getByText('Invoice question').waitFor();
    await page.getByLabel('Search subject and fields').fill('退货');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await eventually(async () => expect(await list.getByRole('listitem').count()).toBe(1));
    await list.getByText('客户要求退货').waitFor();
    await list.getByText('A1001').waitFor();
  }, 30_000);

  it('reminds the agent of a callback as it comes due, and marks it done with a result', async () => {
    await section('Callback plans').click();
    await page.getByRole('region', { name: 'Callback plans' }).waitFor();
    const plan = await db()
      .transaction()
      .execute(async (trx) => {
        const row = await trx
          .insertInto('callback_plans')
          .values({
            tenant_id: tenantId,
            contact_id: contactId,
            phone: '+8613700000042',
            agent_id: adaId,
            due_at: new Date(Date.now() + 1500),
            note: '确认退款',
            result: null,
            call_id: null,
            created_by: adaId,
          })
          .returning(['id', 'due_at'])
          .executeTakeFirstOrThrow();
        await scheduleCallbackReminder(trx, tenantId, row.id, new Date(row.due_at));
        return row;
      });
    await page.getByRole('alert').filter({ hasText: 'Callback due: +8613700000042' }).waitFor({ timeout: 15_000 });
    const item = page.getByRole('listitem', { name: '+8613700000042' });
    await item.getByText('Due', { exact: true }).waitFor();
    await item.getByLabel('Result').fill('已退款，客户满意');
    await item.getByRole('button', { name: 'Mark done' }).click();
    await eventually(async () =>
      expect(await db().selectFrom('callback_plans').select(['status', 'result']).where('id', '=', plan.id).executeTakeFirstOrThrow()).toEqual({
        status: 'done',
        result: '已退款，客户满意',
      }),
    );
  }, 30_000);

  it('creates an outbound call task, imports customers from CSV with the bad rows reported by line, and works one customer with a result', async () => {
    await section('Outbound call tasks').click();
    const create = page.getByRole('form', { name: 'New outbound call task' });
    await create.getByLabel('Name').fill('双十一回访');
    await create.getByLabel('Starts').fill('2026-01-01T00:00');
    await create.getByLabel('Ends').fill('2030-01-01T00:00');
    await create.getByLabel('Ada Admin').check();
    await create.getByRole('button', { name: 'Create task' }).click();
    await create.getByRole('status').filter({ hasText: 'Task created.' }).waitFor();
    await page.getByRole('button', { name: '双十一回访' }).click();

    const csv = ['name,phone', '王芳,13800000001', '赵强,not-a-number', '陈静,13800000002', '刘洋,', '周杰,13800000003'].join('\n');
    const importer = page.getByRole('form', { name: 'Import customers from CSV' });
    await importer.getByLabel(/CSV text/).fill(csv);
    await importer.getByRole('button', { name: 'Import' }).click();
    await importer.getByText('3 imported, 0 already in the task, 2 rows with errors').waitFor();
    const errors = importer.getByRole('list', { name: 'Rows not imported' });
    await errors.getByText(/^Line 3:/).waitFor();
    await errors.getByText(/^Line 5:/).waitFor();
    await page.getByText('0 of 3 done, 3 waiting, 0 being called', { exact: false }).waitFor();

    await page.getByRole('button', { name: 'Next customer' }).click();
    const customer = page.getByRole('group', { name: 'Customer to call' });
    await customer.getByText('王芳').waitFor();
    await customer.getByText('王芳 · 13800000001').waitFor();
    // No phone line to dial out on in this company: the pad says so instead of offering a call.
    await customer.getByText('No phone line to call out on.').waitFor();
    await customer.getByLabel('Result').fill('interested');
    await customer.getByRole('button', { name: 'Save result' }).click();
    await page.getByText(/1 of 3 done, 2 waiting, 0 being called · interested: 1/).waitFor();
    await screenshot(page, 'console-web-phone-task');
  }, 60_000);

  it('edits a phone menu: the server’s check is shown, then the menu saves', async () => {
    await section('Phone menus').click();
    await page.getByRole('button', { name: 'New phone menu' }).click();
    const editor = page.getByRole('form', { name: 'Phone menu editor' });
    await editor.getByLabel('Name', { exact: true }).fill('Hotline');
    await editor.getByRole('button', { name: 'Add a key' }).click();
    await editor.getByRole('button', { name: 'Save phone menu' }).click();
    // The prompt is empty: the server names the field.
    await editor
      .getByRole('alert')
      .filter({ hasText: /menus\.0\.prompt/ })
      .waitFor();
    await editor.getByLabel('Prompt', { exact: true }).fill('欢迎致电，售后请按 1');
    await editor.getByRole('button', { name: 'Save phone menu' }).click();
    await editor.getByRole('status').filter({ hasText: 'Phone menu saved.' }).waitFor();
    const saved = await db().selectFrom('ivr_flows').select(['name', 'definition']).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect(saved.name).toBe('Hotline');
    expect(saved.definition).toMatchObject({
      menus: [{ id: 'main', prompt: { type: 'text', text: '欢迎致电，售后请按 1' }, options: { '1': { type: 'hangup' } } }],
    });
    expect(pageProblems(page)).toEqual([]);
  }, 30_000);
});
