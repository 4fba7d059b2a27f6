import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio, type TwimlVerb } from './fakes/twilio.js';
import { addVoiceChannel, callCenterCompany, callConversation, callRow, startCallCenter, timeline } from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { DATABASE_URL } from './support/services.js';
import { connectorDeps } from '../app/gateway.js';
import { loadChannelContext } from '../core/connector/channel-context.js';

const PUBLIC_URL = 'https://support.example.test';
const ACCOUNT = `AC${'a1'.repeat(16)}`;
const TOKEN = 'twilio-auth-token-0123456789';

/** Calls through Twilio-style webhooks end to end: signed form posts in, TwiML out, REST redirects to ring the next agent. */
describe.skipIf(!DATABASE_URL)('calls through Twilio-style webhooks', () => {
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let twilio: FakeTwilio;
  let channelId: string;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;
  const hook = (path: string) => `${PUBLIC_URL}/hooks/${channelId}/twilio${path}`;
  const base = (callSid: string) => ({
    AccountSid: ACCOUNT,
    CallSid: callSid,
    From: '+8613700000001',
    To: '+8610000000',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  });
  const find = (twiml: TwimlVerb[], verb: string) => twiml.find((v) => v.verb === verb);

  beforeAll(async () => {
    center = await startCallCenter(PUBLIC_URL);
    twilio = new FakeTwilio(ACCOUNT, TOKEN, { localUrl: center.running.url, publicUrl: PUBLIC_URL });
    await twilio.start();
    company = await callCenterCompany(
      center.db,
      'twilio-co',
      [
        { name: 'Alice', sip: 'alice@pbx.example' },
        { name: 'Bob', sip: 'bob@pbx.example' },
      ],
      { no_answer_seconds: 2 },
    );
    channelId = await addVoiceChannel(center.running, company.tenantId, 'voice-twilio', {
      accountSid: ACCOUNT,
      authToken: TOKEN,
      apiBaseUrl: twilio.apiUrl,
      holdLoopSeconds: 1,
      ivrFlowId: company.flowId,
      outboundCallerId: '+8610000000',
    });
  }, 60_000);

  afterAll(async () => {
    await center?.stop();
    await twilio?.stop();
  });

  it('refuses unsigned and wrongly signed webhooks before doing anything', async () => {
    const params = { ...base('CA00000000000000000000000000000001'), CallStatus: 'ringing' };
    expect((await twilio.post(hook('/voice'), params, '')).status).toBe(401);
    expect((await twilio.post(hook('/voice'), params, twilio.sign(hook('/voice'), { ...params, From: '+1' }))).status).toBe(403);
    expect(await callRow(center.db, channelId, params.CallSid)).toBeUndefined();
  });

  it('walks the caller through the menu, rings Alice, then Bob when she does not answer, and files the answered call', async () => {
    const callSid = 'CA11111111111111111111111111111111';
    const incoming = await twilio.post(hook('/voice'), { ...base(callSid), CallStatus: 'ringing' });
    expect(incoming.status).toBe(200);
    const gather = find(incoming.twiml, 'Gather')!;
    expect(gather.attributes).toMatchObject({ numDigits: '1', timeout: '30', action: hook('/gather?menu=main') });
    expect(find(gather.children, 'Play')!.text).toBe('sales-menu');

    const queued = await twilio.post(gather.attributes.action!, { ...base(callSid), Digits: '1', CallStatus: 'in-progress' });
    expect(find(queued.twiml, 'Redirect')!.text).toBe(hook('/wait'));

    // The router gives the call to Alice: Switchboard moves the live call to its waiting loop, which rings her.
    await waitFor(() => twilio.updates.find((u) => u.callSid === callSid && u.form.Url === hook('/wait')));
    const ringAlice = await twilio.post(hook('/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    const dialAlice = find(ringAlice.twiml, 'Dial')!;
    expect(find(dialAlice.children, 'Sip')!.text).toBe('sip:alice@pbx.example');
    expect(dialAlice.attributes.record).toBe('record-from-answer-dual');

    // Alice lets it ring; after the group's 2 seconds the router moves it to Bob and the call is redirected again.
    await waitFor(() => twilio.updates.filter((u) => u.callSid === callSid).length >= 2, 10_000);
    const ringBob = await twilio.post(hook('/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    const bob = find(find(ringBob.twiml, 'Dial')!.children, 'Sip')!;
    expect(bob.text).toBe('sip:bob@pbx.example');
    // Alice's late "no answer" changes nothing: the caller stays with Bob's ringing.
    const late = await twilio.post(find(dialAlice.children, 'Sip')!.attributes.url!.replace('/answered', '/dial'), {
      ...base(callSid),
      DialCallStatus: 'no-answer',
    });
    expect(find(find(late.twiml, 'Dial')!.children, 'Sip')!.text).toBe('sip:bob@pbx.example');

    const picked = await twilio.post(bob.attributes.url!, { ...base('CA22222222222222222222222222222222'), ParentCallSid: callSid, CallStatus: 'in-progress' });
    expect(picked.status).toBe(200);
    expect(picked.twiml).toEqual([]);
    const answered = await callRow(center.db, channelId, callSid);
    expect(answered).toMatchObject({ state: 'answered', agent_id: company.agents.Bob });

    const recording = {
      ...base(callSid),
      RecordingSid: 'RE0123456789abcdef0123456789abcdef',
      RecordingUrl: 'https://api.twilio.com/x',
      RecordingStatus: 'completed',
    };
    expect((await twilio.post(hook('/recording'), recording)).status).toBe(204);
    const done = { ...base(callSid), CallStatus: 'completed', CallDuration: '42' };
    expect((await twilio.post(hook('/status'), done)).status).toBe(204);
    // Twilio retries a callback it thinks failed: the replay changes nothing.
    expect((await twilio.post(hook('/status'), done)).status).toBe(204);

    const ended = await callRow(center.db, channelId, callSid);
    expect(ended).toMatchObject({ state: 'ended', disposition: 'answered', recording_ref: 'twilio:RE0123456789abcdef0123456789abcdef', cause: 'completed' });
    expect(await timeline(center.db, ended!.id)).toEqual([
      'started',
      'menu',
      'key',
      'queued',
      'ringing',
      'not_answered',
      'ringing',
      'answered',
      'recording',
      'ended',
    ]);
    const conversation = await waitFor(async () => {
      const c = await callConversation(center.db, channelId, callSid);
      return c?.status === 'resolved' ? c : undefined;
    });
    const messages = await center.db.selectFrom('messages').select('content').where('conversation_id', '=', conversation.id).orderBy('id').execute();
    expect(messages.map((m) => (m.content[0] as { name: string }).name)).toEqual(['call.started', 'call.queued', 'call.answered', 'call.ended']);
  }, 40_000);

  it('ends a call that hung up while waiting, and frees nobody twice', async () => {
    const callSid = 'CA33333333333333333333333333333333';
    await center.db.updateTable('users').set({ phone_status: 'offline' }).where('tenant_id', '=', company.tenantId).execute();
    const incoming = await twilio.post(hook('/voice'), { ...base(callSid), CallStatus: 'ringing' });
    await twilio.post(find(incoming.twiml, 'Gather')!.attributes.action!, { ...base(callSid), Digits: '1' });
    await waitFor(async () => (await callConversation(center.db, channelId, callSid))?.status === 'queued');
    expect((await twilio.post(hook('/status'), { ...base(callSid), CallStatus: 'canceled' })).status).toBe(204);
    expect(await callRow(center.db, channelId, callSid)).toMatchObject({ state: 'ended', disposition: 'abandoned_queue' });
    await waitFor(async () => (await callConversation(center.db, channelId, callSid))?.status === 'resolved');
    expect(center.logs()).not.toContain(TOKEN);
  }, 20_000);

  it("places an outbound call: Twilio calls the agent's phone first, then dials the customer from the channel's number, recorded and filed", async () => {
    await center.db.updateTable('users').set({ phone_status: 'ip_phone' }).where('id', '=', company.agents.Alice!).execute();
    const loaded = await loadChannelContext(await connectorDeps(center.running.ctx), { id: channelId });
    const placed = await loaded!.connector.voice!.dial!({ agentId: company.agents.Alice!, number: '13900000088' }, loaded!.ctx);
    const started = await waitFor(() => twilio.created.at(-1));
    expect(started.form).toMatchObject({
      To: 'sip:alice@pbx.example',
      From: '+8610000000',
      Url: hook(`/outbound?call=${placed.providerCallId}`),
      StatusCallback: hook(`/status?call=${placed.providerCallId}`),
    });
    const agentLeg = { ...base(started.sid), Direction: 'outbound-api', From: '+8610000000', To: 'sip:alice@pbx.example' };

    // Alice picks up: Twilio asks what next, and the customer's number is dialled.
    const next = await twilio.post(started.form.Url!, { ...agentLeg, CallStatus: 'in-progress' });
    const dial = find(next.twiml, 'Dial')!;
    expect(dial.attributes).toMatchObject({
      callerId: '+8610000000',
      record: 'record-from-answer-dual',
      recordingStatusCallback: hook(`/recording?call=${placed.providerCallId}`),
    });
    const customer = find(dial.children, 'Number')!;
    expect(customer.text).toBe('13900000088');
    const picked = await twilio.post(customer.attributes.url!, {
      ...base('CA44444444444444444444444444444444'),
      ParentCallSid: started.sid,
      CallStatus: 'in-progress',
    });
    expect(picked.twiml).toEqual([]);
    expect(await callRow(center.db, channelId, placed.providerCallId)).toMatchObject({
      state: 'answered',
      direction: 'out',
      agent_id: company.agents.Alice,
      to_number: '13900000088',
    });

    await twilio.post(dial.attributes.recordingStatusCallback!, {
      ...agentLeg,
      RecordingSid: 'RE1123456789abcdef0123456789abcdef',
      RecordingStatus: 'completed',
    });
    const over = await twilio.post(dial.attributes.action!, { ...agentLeg, DialCallStatus: 'completed' });
    expect(find(over.twiml, 'Hangup'), over.body).toBeDefined();
    expect((await twilio.post(started.form.StatusCallback!, { ...agentLeg, CallStatus: 'completed' })).status).toBe(204);

    const ended = await callRow(center.db, channelId, placed.providerCallId);
    expect(ended).toMatchObject({ state: 'ended', disposition: 'answered', recording_ref: 'twilio:RE1123456789abcdef0123456789abcdef' });
    expect(await timeline(center.db, ended!.id)).toEqual(['dialing_agent', 'dialing_customer', 'answered', 'recording', 'customer_hung_up', 'ended']);
    const conversation = await waitFor(async () => {
      const c = await callConversation(center.db, channelId, placed.providerCallId);
      return c?.status === 'resolved' ? c : undefined;
    });
    expect(conversation.assignee_id).toBe(company.agents.Alice);
  }, 30_000);

  it('refuses an outbound call on a channel with no number to call from, before anything rings', async () => {
    const bare = await addVoiceChannel(center.running, company.tenantId, 'voice-twilio', { accountSid: ACCOUNT, authToken: TOKEN, apiBaseUrl: twilio.apiUrl });
    const loaded = await loadChannelContext(await connectorDeps(center.running.ctx), { id: bare });
    const before = twilio.created.length;
    await expect(loaded!.connector.voice!.dial!({ agentId: company.agents.Alice!, number: '13900000089' }, loaded!.ctx)).rejects.toThrow(
      /no number to call from/,
    );
    expect(twilio.created.length).toBe(before);
  });

  it('tells waiting callers their place in line, and after the longest wait offers a callback: pressing 1 plans one for a Sales agent', async () => {
    await center.db.updateTable('users').set({ phone_status: 'offline' }).where('tenant_id', '=', company.tenantId).execute();
    const waitingChannel = await addVoiceChannel(center.running, company.tenantId, 'voice-twilio', {
      accountSid: ACCOUNT,
      authToken: TOKEN,
      apiBaseUrl: twilio.apiUrl,
      holdLoopSeconds: 1,
      ivrFlowId: company.flowId,
      announcePositionSeconds: 10,
      maxWaitSeconds: 30,
      maxWaitAction: 'callback',
    });
    const at = (path: string) => `${PUBLIC_URL}/hooks/${waitingChannel}/twilio${path}`;
    const first = 'CA55555555555555555555555555555555';
    const second = 'CA66666666666666666666666666666666';
    for (const [sid, from] of [
      [first, '+8613700000005'],
      [second, '+8613700000006'],
    ] as const) {
      const incoming = await twilio.post(at('/voice'), { ...base(sid), From: from, CallStatus: 'ringing' });
      expect(incoming.status).toBe(200);
      await twilio.post(at('/gather?menu=main'), { ...base(sid), From: from, Digits: '1' });
      await waitFor(async () => (await callConversation(center.db, waitingChannel, sid))?.status === 'queued');
    }
    // The wait is measured from the call's queued time: the test moves it back instead of sleeping.
    const waitedFor = (sid: string, seconds: number) =>
      center.db
        .updateTable('calls')
        .set({ queued_at: new Date(Date.now() - seconds * 1000) })
        .where('channel_id', '=', waitingChannel)
        .where('provider_call_id', '=', sid)
        .execute();

    await waitedFor(second, 10.5);
    const announced = await twilio.post(at('/wait'), { ...base(second), From: '+8613700000006' });
    expect(find(announced.twiml, 'Say')!.text).toBe('You are number 2 in line.');
    expect(find(announced.twiml, 'Redirect')!.text).toBe(at('/wait'));
    // A loop later nothing new is said: one announcement per period.
    await waitedFor(second, 11.5);
    expect(find((await twilio.post(at('/wait'), { ...base(second), From: '+8613700000006' })).twiml, 'Say')).toBeUndefined();

    await waitedFor(second, 31);
    const offer = await twilio.post(at('/wait'), { ...base(second), From: '+8613700000006' });
    const gather = find(offer.twiml, 'Gather')!;
    expect(gather.attributes.action).toBe(at('/gather?menu=%40callback'));
    expect(find(gather.children, 'Say')!.text).toMatch(/Press 1/);
    // The router no longer offers the call: it left the line.
    const left = await waitFor(async () => {
      const c = await callConversation(center.db, waitingChannel, second);
      return c?.status === 'open' ? c : undefined;
    });

    const thanks = await twilio.post(gather.attributes.action!, { ...base(second), From: '+8613700000006', Digits: '1' });
    expect(find(thanks.twiml, 'Say')!.text).toMatch(/call you back/);
    expect(find(thanks.twiml, 'Hangup')).toBeDefined();
    const plan = await center.db.selectFrom('callback_plans').selectAll().where('phone', '=', '+8613700000006').executeTakeFirstOrThrow();
    expect(plan).toMatchObject({ contact_id: left.contact_id, status: 'planned', tenant_id: company.tenantId });
    expect([company.agents.Alice, company.agents.Bob]).toContain(plan.agent_id);
    expect(await center.db.selectFrom('jobs').select('kind').where('key', '=', `voice.callback_due:${plan.id}`).executeTakeFirst()).toEqual({
      kind: 'voice.callback_due',
    });

    await twilio.post(at('/status'), { ...base(second), From: '+8613700000006', CallStatus: 'completed' });
    const ended = await callRow(center.db, waitingChannel, second);
    expect(ended).toMatchObject({ state: 'ended', disposition: 'callback_requested' });
    expect(plan.call_id).toBe(ended!.id);
    expect(await timeline(center.db, ended!.id)).toEqual(['started', 'menu', 'key', 'queued', 'position', 'max_wait', 'key', 'callback_planned', 'ended']);
    await waitFor(async () => (await callConversation(center.db, waitingChannel, second))?.status === 'resolved');

    // The first caller is still in line, now first.
    await waitedFor(first, 20.5);
    expect(find((await twilio.post(at('/wait'), { ...base(first), From: '+8613700000005' })).twiml, 'Say')!.text).toBe('You are next in line.');
    await twilio.post(at('/status'), { ...base(first), From: '+8613700000005', CallStatus: 'completed' });
    expect(await callRow(center.db, waitingChannel, first)).toMatchObject({ disposition: 'abandoned_queue' });
  }, 40_000);
});
