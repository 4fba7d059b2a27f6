import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio, type TwimlVerb } from './fakes/twilio.js';
import { addVoiceChannel, callCenterCompany, callConversation, callRow, startCallCenter, timeline } from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { DATABASE_URL } from './support/services.js';

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
  const base = (callSid: string) => ({ AccountSid: ACCOUNT, CallSid: callSid, From: '+8613700000001', To: '+8610000000', Direction: 'inbound', ApiVersion: '2010-04-01' });
  const find = (twiml: TwimlVerb[], verb: string) => twiml.find((v) => v.verb === verb);

  beforeAll(async () => {
    center = await startCallCenter(PUBLIC_URL);
    twilio = new FakeTwilio(ACCOUNT, TOKEN, { localUrl: center.running.url, publicUrl: PUBLIC_URL });
    await twilio.start();
    company = await callCenterCompany(center.db, 'twilio-co', [
      { name: 'Alice', sip: 'alice@pbx.example' },
      { name: 'Bob', sip: 'bob@pbx.example' },
    ], { no_answer_seconds: 2 });
    channelId = await addVoiceChannel(center.running, company.tenantId, 'voice-twilio', {
      accountSid: ACCOUNT,
      authToken: TOKEN,
      apiBaseUrl: twilio.apiUrl,
      holdLoopSeconds: 1,
      ivrFlowId: company.flowId,
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
    const late = await twilio.post(find(dialAlice.children, 'Sip')!.attributes.url!.replace('/answered', '/dial'), { ...base(callSid), DialCallStatus: 'no-answer' });
    expect(find(find(late.twiml, 'Dial')!.children, 'Sip')!.text).toBe('sip:bob@pbx.example');

    const picked = await twilio.post(bob.attributes.url!, { ...base('CA22222222222222222222222222222222'), ParentCallSid: callSid, CallStatus: 'in-progress' });
    expect(picked.status).toBe(200);
    expect(picked.twiml).toEqual([]);
    const answered = await callRow(center.db, channelId, callSid);
    expect(answered).toMatchObject({ state: 'answered', agent_id: company.agents.Bob });

    const recording = { ...base(callSid), RecordingSid: 'RE0123456789abcdef0123456789abcdef', RecordingUrl: 'https://api.twilio.com/x', RecordingStatus: 'completed' };
    expect((await twilio.post(hook('/recording'), recording)).status).toBe(204);
    const done = { ...base(callSid), CallStatus: 'completed', CallDuration: '42' };
    expect((await twilio.post(hook('/status'), done)).status).toBe(204);
    // Twilio retries a callback it thinks failed: the replay changes nothing.
    expect((await twilio.post(hook('/status'), done)).status).toBe(204);

    const ended = await callRow(center.db, channelId, callSid);
    expect(ended).toMatchObject({ state: 'ended', disposition: 'answered', recording_ref: 'twilio:RE0123456789abcdef0123456789abcdef', cause: 'completed' });
    expect(await timeline(center.db, ended!.id)).toEqual(['started', 'menu', 'key', 'queued', 'ringing', 'ringing', 'answered', 'recording', 'ended']);
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
});
