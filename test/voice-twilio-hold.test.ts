import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio, type TwimlVerb } from './fakes/twilio.js';
import {
  addVoiceChannel,
  callCenterCompany,
  callConversation,
  callRow,
  signInAgent,
  startCallCenter,
  timeline,
  type HttpAgent,
} from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { DATABASE_URL } from './support/services.js';

const PUBLIC_URL = 'https://support.example.test';
const ACCOUNT = `AC${'b2'.repeat(16)}`;
const TOKEN = 'twilio-auth-token-hold-0123456789';

/**
 * Hold on a Twilio-style channel: the caller talking in a <Dial> is redirected (Calls API `Url`)
 * to the waiting loop's hold music, which ends the agent's leg; resuming redirects them again and
 * the loop dials the same agent back in. Real PostgreSQL and RabbitMQ; the fake plays Twilio.
 */
describe.skipIf(!DATABASE_URL)('holding a call on Twilio', () => {
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let twilio: FakeTwilio;
  let channelId: string;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;
  let alice: HttpAgent;
  const hook = (path: string) => `${PUBLIC_URL}/hooks/${channelId}/twilio${path}`;
  const base = (callSid: string) => ({
    AccountSid: ACCOUNT,
    CallSid: callSid,
    From: '+8613700000101',
    To: '+8610000000',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  });
  const find = (twiml: TwimlVerb[], verb: string) => twiml.find((v) => v.verb === verb);

  beforeAll(async () => {
    center = await startCallCenter(PUBLIC_URL);
    twilio = new FakeTwilio(ACCOUNT, TOKEN, { localUrl: center.running.url, publicUrl: PUBLIC_URL });
    await twilio.start();
    company = await callCenterCompany(center.db, 'twilio-hold-co', [{ name: 'Alice', sip: 'alice@pbx.example' }]);
    channelId = await addVoiceChannel(center.running, company.tenantId, 'voice-twilio', {
      accountSid: ACCOUNT,
      authToken: TOKEN,
      apiBaseUrl: twilio.apiUrl,
      holdLoopSeconds: 1,
      holdMusicUrl: 'https://cdn.example.test/hold.mp3',
      ivrFlowId: company.flowId,
      ringSeconds: 30,
      outboundCallerId: '+8610000000',
    });
    alice = await signInAgent(center.db, center.running.url, 'twilio-hold-co', company.agents.Alice!);
  }, 60_000);

  afterAll(async () => {
    await center?.stop();
    await twilio?.stop();
  });

  /** A caller walks the menu to Sales; Alice is rung through the waiting loop and picks up. */
  async function talkingToAlice(callSid: string) {
    const incoming = await twilio.post(hook('/voice'), { ...base(callSid), CallStatus: 'ringing' });
    await twilio.post(find(incoming.twiml, 'Gather')!.attributes.action!, { ...base(callSid), Digits: '1', CallStatus: 'in-progress' });
    await waitFor(() => twilio.updates.find((u) => u.callSid === callSid && u.form.Url === hook('/wait')), 10_000);
    const ring = await twilio.post(hook('/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    const sip = find(find(ring.twiml, 'Dial')!.children, 'Sip')!;
    expect(sip.text).toBe('sip:alice@pbx.example');
    await twilio.post(sip.attributes.url!, { ...base(`CA${'c'.repeat(32)}`), ParentCallSid: callSid, CallStatus: 'in-progress' });
    const call = (await callRow(center.db, channelId, callSid))!;
    expect(call.state).toBe('answered');
    return { call, firstLeg: sip };
  }

  it('redirects the caller to hold music and back, dialling Alice in again, with the steps in the call record and the conversation', async () => {
    const callSid = 'CA77777777777777777777777777777777';
    const { call, firstLeg } = await talkingToAlice(callSid);
    const before = twilio.updates.length;

    expect((await alice.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(200);
    // Exactly the documented update: the live call's new TwiML URL, fetched with POST.
    expect(twilio.updates.slice(before)).toEqual([{ callSid, form: { Url: hook('/wait'), Method: 'POST' } }]);
    const held = await twilio.post(hook('/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    expect(find(held.twiml, 'Play')!.text).toBe('https://cdn.example.test/hold.mp3');
    expect(find(held.twiml, 'Redirect')!.text).toBe(hook('/wait'));
    expect(find(held.twiml, 'Dial')).toBeUndefined();
    // Leaving the <Dial> ended Alice's leg; its late "completed" keeps the caller on hold, not hung up.
    const late = await twilio.post(firstLeg.attributes.url!.replace('/answered', '/dial'), { ...base(callSid), DialCallStatus: 'completed' });
    expect(find(late.twiml, 'Hangup')).toBeUndefined();
    expect(find(late.twiml, 'Play')!.text).toBe('https://cdn.example.test/hold.mp3');
    expect((await alice.request('GET', '/api/call-center/me')).body.call).toMatchObject({ id: call.id, onHold: true });

    expect((await alice.request('DELETE', `/api/calls/${call.id}/hold`)).status).toBe(200);
    expect(twilio.updates.slice(before + 1)).toEqual([{ callSid, form: { Url: hook('/wait'), Method: 'POST' } }]);
    const back = await twilio.post(hook('/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    const again = find(find(back.twiml, 'Dial')!.children, 'Sip')!;
    expect(again.text).toBe('sip:alice@pbx.example');
    expect(again.attributes.url).not.toBe(firstLeg.attributes.url);
    expect((await twilio.post(again.attributes.url!, { ...base(`CA${'d'.repeat(32)}`), ParentCallSid: callSid, CallStatus: 'in-progress' })).twiml).toEqual([]);
    expect(await callRow(center.db, channelId, callSid)).toMatchObject({ state: 'answered', agent_id: company.agents.Alice });

    await twilio.post(hook('/status'), { ...base(callSid), CallStatus: 'completed' });
    const ended = (await callRow(center.db, channelId, callSid))!;
    expect(ended).toMatchObject({ state: 'ended', disposition: 'answered' });
    expect(await timeline(center.db, ended.id)).toEqual(['started', 'menu', 'key', 'queued', 'ringing', 'answered', 'held', 'resumed', 'answered', 'ended']);
    const conversation = await waitFor(async () => {
      const c = await callConversation(center.db, channelId, callSid);
      return c?.status === 'resolved' ? c : undefined;
    });
    const messages = await center.db.selectFrom('messages').select('content').where('conversation_id', '=', conversation.id).orderBy('id').execute();
    expect(messages.map((m) => (m.content[0] as { name: string }).name)).toEqual([
      'call.started',
      'call.queued',
      'call.answered',
      'call.held',
      'call.resumed',
      'call.ended',
    ]);
    expect(center.logs()).not.toContain(TOKEN);
  }, 30_000);

  it('refuses to hold an outbound call (only a caller in a <Dial> can be redirected to the hold music)', async () => {
    const placed = await alice.request('POST', '/api/calls', { channelId, number: '13900000202' });
    expect(placed.status).toBe(202);
    const started = await waitFor(() => twilio.created.at(-1));
    const agentLeg = { ...base(started.sid), Direction: 'outbound-api', From: '+8610000000', To: 'sip:alice@pbx.example' };
    const next = await twilio.post(started.form.Url!, { ...agentLeg, CallStatus: 'in-progress' });
    const customer = find(find(next.twiml, 'Dial')!.children, 'Number')!;
    await twilio.post(customer.attributes.url!, { ...base(`CA${'e'.repeat(32)}`), ParentCallSid: started.sid, CallStatus: 'in-progress' });
    const call = (await callRow(center.db, channelId, placed.body.providerCallId))!;
    expect(call.state).toBe('answered');
    await waitFor(async () => (await callConversation(center.db, channelId, placed.body.providerCallId))?.assignee_id === company.agents.Alice, 10_000);
    const before = twilio.updates.length;
    const refused = await alice.request('POST', `/api/calls/${call.id}/hold`);
    expect(refused.status).toBe(409);
    expect(twilio.updates.length).toBe(before);
    expect(await timeline(center.db, call.id)).not.toContain('held');
    await twilio.post(started.form.StatusCallback!, { ...agentLeg, CallStatus: 'completed' });
  }, 30_000);

  it('answers 502 and records no hold when Twilio refuses the redirect (the call completed there first)', async () => {
    const callSid = 'CA88888888888888888888888888888888';
    const { call } = await talkingToAlice(callSid);
    twilio.completed.add(callSid);
    const refused = await alice.request('POST', `/api/calls/${call.id}/hold`);
    expect(refused.status).toBe(502);
    expect(JSON.stringify(refused.body)).not.toContain(TOKEN);
    expect(await timeline(center.db, call.id)).not.toContain('held');
    await twilio.post(hook('/status'), { ...base(callSid), CallStatus: 'completed' });
    expect((await alice.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(409);
  }, 30_000);
});
