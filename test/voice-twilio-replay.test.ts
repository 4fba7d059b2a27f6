import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTwilio, type TwimlVerb } from './fakes/twilio.js';
import { addVoiceChannel, callCenterCompany, callConversation, callRow, signInAgent, startCallCenter, timeline } from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { DATABASE_URL } from './support/services.js';

const PUBLIC_URL = 'https://replay.example.test';
const ACCOUNT = `AC${'b2'.repeat(16)}`;
const TOKEN = 'twilio-auth-token-replayed-0123';

/**
 * Twilio retries a webhook whose answer it did not get and does not promise the order of a call's
 * callbacks (https://www.twilio.com/docs/usage/webhooks/webhooks-connection-overrides,
 * https://www.twilio.com/docs/voice/twiml/dial#action). An answered call whose callbacks come
 * twice and out of order must still leave its agent talking, then idle — never away.
 */
describe.skipIf(!DATABASE_URL)('an answered Twilio call whose webhooks are replayed', () => {
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let twilio: FakeTwilio;
  let channelId: string;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;
  const hook = (path: string) => `${PUBLIC_URL}/hooks/${channelId}/twilio${path}`;
  const base = (callSid: string) => ({
    AccountSid: ACCOUNT,
    CallSid: callSid,
    From: '+8613700000009',
    To: '+8610000000',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  });
  const find = (twiml: TwimlVerb[], verb: string) => twiml.find((v) => v.verb === verb);

  beforeAll(async () => {
    center = await startCallCenter(PUBLIC_URL);
    twilio = new FakeTwilio(ACCOUNT, TOKEN, { localUrl: center.running.url, publicUrl: PUBLIC_URL });
    await twilio.start();
    // Alice alone in Sales; an agent who lets a call ring 2 seconds is set away.
    company = await callCenterCompany(center.db, 'replay-co', [{ name: 'Alice', sip: 'alice@pbx.example' }], { no_answer_seconds: 2 });
    await center.db.updateTable('groups').set({ no_answer_set_away: true }).where('id', '=', company.sales).execute();
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

  it('keeps the call connected through a retried answer, and the agent idle after replayed and reordered end callbacks', async () => {
    const callSid = 'CA99999999999999999999999999999991';
    const incoming = await twilio.post(hook('/voice'), { ...base(callSid), CallStatus: 'ringing' });
    await twilio.post(find(incoming.twiml, 'Gather')!.attributes.action!, { ...base(callSid), Digits: '1', CallStatus: 'in-progress' });
    await waitFor(() => twilio.updates.find((u) => u.callSid === callSid && u.form.Url === hook('/wait')));
    const ring = await twilio.post(hook('/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    const dial = find(ring.twiml, 'Dial')!;
    const sip = find(dial.children, 'Sip')!;
    const agentLeg = { ...base('CA99999999999999999999999999999992'), ParentCallSid: callSid, Direction: 'outbound-dial', CallStatus: 'in-progress' };

    // Alice picks up; Twilio did not get the first answer in time and asks again.
    expect((await twilio.post(sip.attributes.url!, agentLeg)).twiml).toEqual([]);
    const retried = await twilio.post(sip.attributes.url!, agentLeg);
    expect(retried.status).toBe(200);
    // The retry must not hang up the agent's leg of a call she is talking on.
    expect(find(retried.twiml, 'Hangup')).toBeUndefined();
    // The parent's progress callbacks, twice each (documented CallStatus values before the end).
    for (const status of ['ringing', 'in-progress', 'ringing', 'in-progress']) {
      expect((await twilio.post(hook('/status'), { ...base(callSid), CallStatus: status, CallbackSource: 'call-progress-events' })).status).toBe(204);
    }

    // They talk longer than the group's no-answer time.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const talking = await callConversation(center.db, channelId, callSid);
    expect(talking).toMatchObject({ status: 'assigned', assignee_id: company.agents.Alice });
    expect(await callRow(center.db, channelId, callSid)).toMatchObject({ state: 'answered', agent_id: company.agents.Alice });

    // The caller hangs up: the final status comes before the <Dial> action, then both again.
    const done = { ...base(callSid), CallStatus: 'completed', CallDuration: '5', CallbackSource: 'call-progress-events' };
    expect((await twilio.post(hook('/status'), done)).status).toBe(204);
    await twilio.post(dial.attributes.action!, { ...base(callSid), DialCallStatus: 'completed', DialCallSid: agentLeg.CallSid, DialCallDuration: '4' });
    expect((await twilio.post(hook('/status'), done)).status).toBe(204);
    await twilio.post(dial.attributes.action!, { ...base(callSid), DialCallStatus: 'completed', DialCallSid: agentLeg.CallSid, DialCallDuration: '4' });
    await twilio.post(sip.attributes.url!, agentLeg);

    const ended = await callRow(center.db, channelId, callSid);
    expect(ended).toMatchObject({ state: 'ended', disposition: 'answered', agent_id: company.agents.Alice });
    expect((await timeline(center.db, ended!.id)).filter((k) => k === 'ended')).toHaveLength(1);
    await waitFor(async () => (await callConversation(center.db, channelId, callSid))?.status === 'resolved');

    const alice = await center.db.selectFrom('users').select('agent_status').where('id', '=', company.agents.Alice!).executeTakeFirstOrThrow();
    expect(alice.agent_status).toBe('online');
    const console = await signInAgent(center.db, center.running.url, 'replay-co', company.agents.Alice!);
    const me = await console.request('GET', '/api/call-center/me');
    expect(me.body.workState).toBe('idle');
  }, 40_000);

  it('waits for an answer being stored when the no-answer time runs out: the agent who picked up keeps the call and is not set away', async () => {
    const callSid = 'CA99999999999999999999999999999993';
    const incoming = await twilio.post(hook('/voice'), { ...base(callSid), CallStatus: 'ringing' });
    await twilio.post(find(incoming.twiml, 'Gather')!.attributes.action!, { ...base(callSid), Digits: '1', CallStatus: 'in-progress' });
    await waitFor(() => twilio.updates.find((u) => u.callSid === callSid && u.form.Url === hook('/wait')));
    const ring = await twilio.post(hook('/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    const sip = find(find(ring.twiml, 'Dial')!.children, 'Sip')!;
    const agentLeg = { ...base('CA99999999999999999999999999999994'), ParentCallSid: callSid, Direction: 'outbound-dial', CallStatus: 'in-progress' };

    // Alice picks up a second before her 2 seconds run out, while another of the call's webhooks
    // (a replayed status callback) still holds the call: her answer is stored only after the time.
    let picked: Awaited<ReturnType<FakeTwilio['post']>> | undefined;
    await center.db.transaction().execute(async (trx) => {
      await trx.selectFrom('calls').select('id').where('channel_id', '=', channelId).where('provider_call_id', '=', callSid).forUpdate().execute();
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const answering = twilio.post(sip.attributes.url!, agentLeg).then((r) => (picked = r));
      await new Promise((resolve) => setTimeout(resolve, 3000));
      void answering;
    });
    await waitFor(() => picked);
    expect(picked!.twiml).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await callRow(center.db, channelId, callSid)).toMatchObject({ state: 'answered', agent_id: company.agents.Alice });
    expect(await callConversation(center.db, channelId, callSid)).toMatchObject({ status: 'assigned', assignee_id: company.agents.Alice });
    const alice = await center.db.selectFrom('users').select('agent_status').where('id', '=', company.agents.Alice!).executeTakeFirstOrThrow();
    expect(alice.agent_status).toBe('online');

    expect((await twilio.post(hook('/status'), { ...base(callSid), CallStatus: 'completed', CallDuration: '9' })).status).toBe(204);
    await waitFor(async () => (await callConversation(center.db, channelId, callSid))?.status === 'resolved');
    const steps = await timeline(center.db, (await callRow(center.db, channelId, callSid))!.id);
    expect(steps).not.toContain('transferred');
  }, 40_000);
});
