import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAri } from './fakes/ari.js';
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
import { addVoiceChannel, callRow } from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { DATABASE_URL } from './support/services.js';

/**
 * The call center in the console, in a real browser, against a whole Switchboard on PostgreSQL
 * and RabbitMQ and the fake Asterisk: the screen pop, transfer during a call, the dial pad.
 */
describe.skipIf(!browserAvailable || !DATABASE_URL)('console web app: the phone', () => {
  const ari = new FakeAri();
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let tenantId: string;
  let adaId: string;
  let channelId: string;
  const db = () => server.process.ctx.database.db;
  const played = (callId: string) => ari.requests.some((r) => r.method === 'POST' && r.path.startsWith(`/channels/${callId}/play/`));

  beforeAll(async () => {
    await ari.start();
    [server, browser] = await Promise.all([startSwitchboard(), launchBrowser()]);
    ({ tenantId, adminId: adaId } = await signUpCompany(server, { companyName: 'Phone Co', slug: 'phone-co' }));
    const agentRole = await db().selectFrom('roles').select('id').where('tenant_id', '=', tenantId).where('name', '=', 'agent').executeTakeFirstOrThrow();
    const bo = await db()
      .insertInto('users')
      .values({
        tenant_id: tenantId,
        email: 'bo@example.com',
        name: 'Bo Agent',
        role_id: agentRole.id,
        password_hash: null,
        account_status: 'active',
        agent_status: 'online',
        phone_status: 'ip_phone',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db().updateTable('users').set({ agent_status: 'online', phone_status: 'ip_phone' }).where('id', '=', adaId).execute();
    const sales = await db().insertInto('groups').values({ tenant_id: tenantId, name: 'Phone Sales' }).returning('id').executeTakeFirstOrThrow();
    const support = await db().insertInto('groups').values({ tenant_id: tenantId, name: 'Phone Support' }).returning('id').executeTakeFirstOrThrow();
    await db()
      .insertInto('group_members')
      .values([
        { tenant_id: tenantId, group_id: sales.id, user_id: adaId },
        { tenant_id: tenantId, group_id: support.id, user_id: bo.id },
      ])
      .execute();
    await db()
      .insertInto('voice_endpoints')
      .values([
        { tenant_id: tenantId, user_id: adaId, sip: '1001', webrtc: null, mobile: null },
        { tenant_id: tenantId, user_id: bo.id, sip: '1002', webrtc: null, mobile: null },
      ])
      .execute();
    await db().insertInto('custom_fields').values({ tenant_id: tenantId, key: 'order_no', label: 'Order number', type: 'text', options: [] }).execute();
    const flow = {
      start: { type: 'menu', menuId: 'main' },
      menus: [{ id: 'main', prompt: { type: 'sound', media: 'main-menu' }, options: { '1': { type: 'queue', groupId: sales.id } }, timeoutSeconds: 30 }],
    };
    const ivr = await db()
      .insertInto('ivr_flows')
      .values({ tenant_id: tenantId, name: 'Main', definition: JSON.stringify(flow) })
      .returning('id')
      .executeTakeFirstOrThrow();
    channelId = await addVoiceChannel(server.process, tenantId, 'voice-asterisk', {
      ariUrl: ari.url,
      ariUser: 'asterisk',
      ariPassword: 'ari-secret',
      ivrFlowId: ivr.id,
      ringSeconds: 30,
    });
    await waitFor(() => ari.connected === 1, 15_000);

    ({ page } = await newPage(browser));
    await signIn(page, server, 'phone-co');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phone' }).click();
    await page.getByRole('region', { name: 'My phone' }).waitFor();
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    await ari.stop();
  });

  it("shows the agent's phone, queues and work state, and pops an unknown caller's record within a second of the phone ringing, with the offer to create the contact", async () => {
    const mine = page.getByRole('region', { name: 'My phone' });
    await expect(mine.getByRole('combobox', { name: 'Phone' }).inputValue()).resolves.toBe('ip_phone');
    await mine.getByText('Queues: Phone Sales').waitFor();
    await mine.getByTestId('work-state').filter({ hasText: 'Idle' }).waitFor();

    const callId = ari.incomingCall('+8613900000001');
    await waitFor(() => played(callId), 10_000);
    ari.pressKey(callId, '1');
    const pop = page.getByRole('region', { name: "Caller's record" });
    await pop.waitFor({ timeout: 15_000 });
    const shownAt = Date.now();
    const rung = await callRow(db(), channelId, callId);
    expect(rung?.state).toBe('ringing');
    const popMs = shownAt - new Date(rung!.ringing_at!).getTime();
    console.log(JSON.stringify({ figure: 'screen pop after ringing (ms)', popMs }));
    expect(popMs).toBeLessThan(1000);
    await pop.getByText('+8613900000001').waitFor();
    await waitFor(() => ari.ringing('PJSIP/1001')[0]);

    const create = pop.getByRole('form', { name: 'Create contact' });
    await create.getByLabel('Name').fill('王芳 <b>VIP</b>');
    await create.getByRole('button', { name: 'Save contact' }).click();
    await pop.getByRole('heading', { name: /王芳 <b>VIP<\/b>/ }).waitFor();
    expect(await pop.locator('b').count()).toBe(0);
    const contact = await db()
      .selectFrom('contacts')
      .select('name')
      .where('tenant_id', '=', tenantId)
      .where('phone', '=', '+8613900000001')
      .executeTakeFirstOrThrow();
    expect(contact.name).toBe('王芳 <b>VIP</b>');
    await page.getByRole('region', { name: 'Pop history' }).getByText('+8613900000001').waitFor();
    await screenshot(page, 'console-web-phone-pop');
  }, 60_000);

  it('during the call holds and resumes the caller, writes a business record with custom fields, then transfers the call blind to a group, whose agent’s phone rings instead', async () => {
    const adaLeg = ari.ringing('PJSIP/1001')[0]!;
    const callId = adaLeg.appArgs![1]!;
    ari.answer(adaLeg.id);
    await page.getByTestId('work-state').filter({ hasText: 'On a call' }).waitFor({ timeout: 15_000 });

    const record = page.getByRole('form', { name: 'Business record' });
    await record.getByLabel('Subject').fill('客户要求退货');
    await record.getByLabel('Order number').fill('A1001');
    await record.getByRole('button', { name: 'Save record' }).click();
    await record.getByRole('status').filter({ hasText: 'Business record saved.' }).waitFor();
    const call = await callRow(db(), channelId, callId);
    const saved = await db().selectFrom('business_records').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    expect(saved).toMatchObject({ subject: '客户要求退货', fields: { order_no: 'A1001' }, call_id: call!.id });

    // A ticket from the call carries the caller, the call id and the recording.
    await waitFor(async () => (await callRow(db(), channelId, callId))?.recording_ref);
    const ticketForm = page.getByRole('form', { name: 'Create ticket' });
    await ticketForm.getByLabel('Ticket subject').fill('退货：订单 A1001');
    await ticketForm.getByRole('button', { name: 'Create ticket' }).click();
    await ticketForm
      .getByRole('status')
      .filter({ hasText: /Ticket #\d+ created/ })
      .waitFor();
    const ticket = await db().selectFrom('tickets').selectAll().where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
    const caller = await db()
      .selectFrom('contacts')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('phone', '=', '+8613900000001')
      .executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ subject: '退货：订单 A1001', call_id: call!.id, recording_ref: `ari:call-${call!.id}`, requester_id: caller.id });
    await page.getByRole('list', { name: 'Earlier tickets' }).getByText('退货：订单 A1001').waitFor();

    // Hold: the caller's channel is held on Asterisk, the button now resumes, and the conversation says so.
    const hold = page.getByRole('group', { name: 'Hold' });
    await hold.getByRole('button', { name: 'Hold', exact: true }).click();
    await hold.getByRole('status').filter({ hasText: 'The caller is on hold.' }).waitFor();
    await waitFor(() => ari.channels.get(callId)?.held === true);
    await hold.getByRole('button', { name: 'Resume the call' }).click();
    await hold.getByRole('button', { name: 'Hold', exact: true }).waitFor();
    await waitFor(() => ari.channels.get(callId)?.held === false);
    expect(ari.requests.filter((r) => r.path === `/channels/${callId}/hold`).map((r) => r.method)).toEqual(['POST', 'DELETE']);
    const holdSteps = await waitFor(async () => {
      const conversation = await db()
        .selectFrom('conversations')
        .select('id')
        .where('channel_id', '=', channelId)
        .where('thread_key', '=', callId)
        .executeTakeFirstOrThrow();
      const names = (await db().selectFrom('messages').select('content').where('conversation_id', '=', conversation.id).orderBy('id').execute()).map(
        (m) => (m.content[0] as { name: string }).name,
      );
      return names.includes('call.resumed') ? { conversationId: conversation.id, names } : undefined;
    });
    expect(holdSteps.names.filter((n) => n === 'call.held' || n === 'call.resumed')).toEqual(['call.held', 'call.resumed']);

    const transfer = page.getByRole('form', { name: 'Transfer' });
    await transfer.getByLabel('Transfer to').selectOption({ label: 'Group: Phone Support' });
    await transfer.getByRole('button', { name: 'Transfer the call' }).click();
    // The outcome stays in view after the call (and its controls) left this agent.
    await page.getByRole('region', { name: 'Current call' }).getByRole('status').filter({ hasText: 'Transferred to Group: Phone Support.' }).waitFor();
    const boLeg = await waitFor(() => ari.ringing('PJSIP/1002')[0], 15_000);
    expect(boLeg.appArgs).toEqual(['agent', callId]);
    await waitFor(() => !ari.channels.has(adaLeg.id));
    expect(ari.channels.has(callId)).toBe(true);
    await page.getByTestId('work-state').filter({ hasText: 'Idle' }).waitFor({ timeout: 15_000 });
    ari.answer(boLeg.id);
    await waitFor(async () => (await callRow(db(), channelId, callId))?.agent_id !== adaId && (await callRow(db(), channelId, callId))?.state === 'answered');
    ari.hangup(callId);
    await waitFor(async () => (await callRow(db(), channelId, callId))?.state === 'ended');
    expect(pageProblems(page)).toEqual([]);
    await screenshot(page, 'console-web-phone-transfer');

    // The conversation's timeline reads the hold and the resume as sentences.
    await page.goto(`${server.url}/t/phone-co/conversations/${holdSteps.conversationId}`);
    await page.getByText('Caller put on hold').waitFor();
    await page.getByText('Call resumed').waitFor();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Phone' }).click();
    await page.getByRole('region', { name: 'My phone' }).waitFor();
  }, 60_000);

  it("dials out from the dial pad (the agent's phone rings first), and finds the number again in the call records to call back", async () => {
    const pad = page.getByRole('form', { name: 'Dial pad' });
    for (const key of '13900000077') await pad.getByRole('group', { name: 'Keys' }).getByRole('button', { name: key, exact: true }).click();
    await expect(pad.getByLabel('Number').inputValue()).resolves.toBe('13900000077');
    await pad.getByRole('button', { name: 'Call', exact: true }).click();
    await pad.getByRole('status').filter({ hasText: 'Calling 13900000077' }).waitFor();
    const agentSide = await waitFor(() => ari.ringing('PJSIP/1001').find((c) => c.appArgs?.[0] === 'outbound'), 10_000);
    const placed = await db().selectFrom('calls').selectAll().where('provider_call_id', '=', agentSide.id).executeTakeFirstOrThrow();
    expect(placed).toMatchObject({ direction: 'out', to_number: '13900000077', agent_id: adaId });
    ari.hangup(agentSide.id);

    await page.getByRole('navigation', { name: 'Call center' }).getByRole('link', { name: 'Call records' }).click();
    const row = page.getByRole('row').filter({ hasText: '13900000077' }).first();
    await row.waitFor();
    const first = page.getByRole('row').filter({ hasText: '+8613900000001' }).first();
    await first.getByRole('button', { name: 'Details' }).click();
    const steps = page.getByRole('list', { name: 'Timeline' });
    await steps.getByText('Transferred').waitFor();
    await steps.getByText('Put on hold').waitFor();
    await steps.getByText('Key pressed 1').waitFor();
    await row.getByRole('link', { name: 'Call back' }).click();
    await expect(page.getByRole('form', { name: 'Dial pad' }).getByLabel('Number').inputValue()).resolves.toBe('13900000077');

    // The same screens in Chinese.
    await page.getByRole('combobox', { name: 'Language' }).selectOption('zh');
    await page.getByRole('navigation', { name: '呼叫中心' }).getByRole('link', { name: '工作台' }).waitFor();
    await page.getByRole('form', { name: '拨号盘' }).waitFor();
    await screenshot(page, 'console-web-phone-zh');
    await page
      .getByRole('combobox', { name: '语言' })
      .selectOption('en')
      .catch(async () => page.getByRole('combobox').filter({ hasText: 'English' }).selectOption('en'));
  }, 60_000);

  it('pops the record of a caller the company knows by another way of writing the number, and offers — never guesses — the customers who share a number, merged in one click', async () => {
    const known = await db()
      .insertInto('contacts')
      .values({ tenant_id: tenantId, name: '李娜', phone: '+86 139 0000 0042', email: 'li.na@example.cn' })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db()
      .insertInto('contacts')
      .values([
        { tenant_id: tenantId, name: 'Zhang Wei', phone: '+86 139 0000 0043' },
        { tenant_id: tenantId, name: 'Zhang Wei (shop)', phone: '86-139-0000-0043' },
      ])
      .execute();
    await page.getByRole('navigation', { name: 'Call center' }).getByRole('link', { name: 'Workbench' }).click();
    await page.getByRole('region', { name: 'My phone' }).getByTestId('work-state').filter({ hasText: 'Idle' }).waitFor({ timeout: 15_000 });
    const pop = page.getByRole('region', { name: "Caller's record" });
    const ring = async (from: string) => {
      const callId = ari.incomingCall(from);
      await waitFor(() => played(callId), 10_000);
      ari.pressKey(callId, '1');
      await waitFor(() => ari.ringing('PJSIP/1001')[0], 15_000);
      return callId;
    };

    const first = await ring('+8613900000042');
    await pop.getByRole('heading', { name: /李娜/ }).waitFor({ timeout: 10_000 });
    await pop.getByText('li.na@example.cn').waitFor();
    expect(await pop.getByRole('form', { name: 'Create contact' }).count()).toBe(0);
    expect(await pop.getByRole('region', { name: 'Possible matches' }).count()).toBe(0);
    const firstConversation = await db().selectFrom('conversations').select('contact_id').where('thread_key', '=', first).executeTakeFirstOrThrow();
    expect(firstConversation.contact_id).toBe(known.id);
    ari.hangup(first);
    await page.getByRole('region', { name: 'My phone' }).getByTestId('work-state').filter({ hasText: 'Idle' }).waitFor({ timeout: 15_000 });

    const second = await ring('+8613900000043');
    const matches = pop.getByRole('region', { name: 'Possible matches' });
    await matches.waitFor({ timeout: 10_000 });
    await matches.getByRole('link', { name: 'Zhang Wei', exact: true }).waitFor();
    await matches.getByRole('link', { name: 'Zhang Wei (shop)' }).waitFor();
    await screenshot(page, 'console-web-phone-possible-matches');
    await matches
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: 'Zhang Wei', exact: true }) })
      .getByRole('button', { name: 'This is the caller: merge' })
      .click();
    await matches.getByRole('status').filter({ hasText: 'The caller is now part of Zhang Wei.' }).waitFor();
    await pop.getByRole('heading', { name: /^Zhang Wei \+8613900000043/ }).waitFor();
    await matches.getByRole('button', { name: 'Undo merge' }).waitFor();
    await screenshot(page, 'console-web-phone-merged-caller');
    ari.hangup(second);
  }, 60_000);
});
