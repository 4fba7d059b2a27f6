import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runReport } from '../reports/queries/reports.js';
import { refreshRange } from '../reports/rollup/refresh.js';
import { FakeAri } from './fakes/ari.js';
import { FakeTwilio, type TwimlVerb } from './fakes/twilio.js';
import { addVoiceChannel, callCenterCompany, callConversation, callRow, startCallCenter, timeline } from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { DATABASE_URL } from './support/services.js';

const PUBLIC_URL = 'https://support.example.test';
const ACCOUNT = `AC${'b2'.repeat(16)}`;
const TOKEN = 'twilio-auth-token-survey-0123';

/** The keypad survey after a call, through Twilio-style webhooks: <Gather> after the agent's <Dial> ends. */
describe.skipIf(!DATABASE_URL)('satisfaction survey on the phone keypad', () => {
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let twilio: FakeTwilio;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;
  let surveyed: string;
  let plain: string;
  const ari = new FakeAri();
  let asterisk: string;
  const hook = (channelId: string, path: string) => `${PUBLIC_URL}/hooks/${channelId}/twilio${path}`;
  const base = (callSid: string) => ({
    AccountSid: ACCOUNT,
    CallSid: callSid,
    From: '+8613700000009',
    To: '+8610000009',
    Direction: 'inbound',
    ApiVersion: '2010-04-01',
  });
  const find = (twiml: TwimlVerb[], verb: string) => twiml.find((v) => v.verb === verb);
  const responses = (conversationId: string) =>
    center.db
      .selectFrom('csat_responses' as never)
      .selectAll()
      .where('conversation_id' as never, '=', conversationId as never)
      .execute() as Promise<Record<string, any>[]>;

  beforeAll(async () => {
    center = await startCallCenter(PUBLIC_URL);
    twilio = new FakeTwilio(ACCOUNT, TOKEN, { localUrl: center.running.url, publicUrl: PUBLIC_URL });
    await twilio.start();
    company = await callCenterCompany(center.db, 'survey-phone-co', [{ name: 'Carol', sip: 'carol@pbx.example' }]);
    const settings = { accountSid: ACCOUNT, authToken: TOKEN, apiBaseUrl: twilio.apiUrl, holdLoopSeconds: 1, defaultGroupId: company.sales };
    surveyed = await addVoiceChannel(center.running, company.tenantId, 'voice-twilio', { ...settings, satisfactionSurvey: true });
    plain = await addVoiceChannel(center.running, company.tenantId, 'voice-twilio', settings);
    await ari.start();
    asterisk = await addVoiceChannel(center.running, company.tenantId, 'voice-asterisk', {
      ariUrl: ari.url,
      ariUser: 'asterisk',
      ariPassword: 'ari-secret',
      defaultGroupId: company.sales,
      satisfactionSurvey: true,
      surveyPrompt: { type: 'sound', media: 'custom/rate-this-call' },
    });
    await waitFor(() => ari.connected === 1, 15_000);
  }, 60_000);

  afterAll(async () => {
    await center?.stop();
    await twilio?.stop();
    await ari.stop();
  });

  /** A call comes in, waits, Carol is rung and answers, talks, and hangs up: returns the TwiML the caller gets next. */
  async function talkAndAgentHangsUp(channelId: string, callSid: string, legSid: string): Promise<TwimlVerb[]> {
    const incoming = await twilio.post(hook(channelId, '/voice'), { ...base(callSid), CallStatus: 'ringing' });
    expect(find(incoming.twiml, 'Redirect')!.text).toBe(hook(channelId, '/wait'));
    await waitFor(() => twilio.updates.find((u) => u.callSid === callSid && u.form.Url === hook(channelId, '/wait')));
    const ring = await twilio.post(hook(channelId, '/wait'), { ...base(callSid), CallStatus: 'in-progress' });
    const sip = find(find(ring.twiml, 'Dial')!.children, 'Sip')!;
    expect(sip.text).toBe('sip:carol@pbx.example');
    expect((await twilio.post(sip.attributes.url!, { ...base(legSid), ParentCallSid: callSid, CallStatus: 'in-progress' })).status).toBe(200);
    expect(await callRow(center.db, channelId, callSid)).toMatchObject({ state: 'answered', agent_id: company.agents.Carol });
    // Carol hangs up: Twilio asks the <Dial> action what the caller hears now.
    const after = await twilio.post(sip.attributes.url!.replace('/answered', '/dial'), {
      ...base(callSid),
      DialCallStatus: 'completed',
      DialCallDuration: '61',
    });
    expect(after.status).toBe(200);
    return after.twiml;
  }

  async function hangUp(channelId: string, callSid: string) {
    expect((await twilio.post(hook(channelId, '/status'), { ...base(callSid), CallStatus: 'completed', CallDuration: '75' })).status).toBe(204);
    return waitFor(async () => {
      const c = await callConversation(center.db, channelId, callSid);
      return c?.status === 'resolved' ? c : undefined;
    });
  }

  it('asks the caller to press 1 to 5 after the agent hangs up, and files the key as the rating of the call and its agent', async () => {
    const callSid = 'CA5000000000000000000000000000000a';
    const twiml = await talkAndAgentHangsUp(surveyed, callSid, 'CA5000000000000000000000000000000b');
    const gather = find(twiml, 'Gather')!;
    expect(gather.attributes).toMatchObject({ input: 'dtmf', numDigits: '1', timeout: '8', action: hook(surveyed, '/gather?menu=%40survey') });
    expect(find(gather.children, 'Say')!.text).toContain('Press 1 for very dissatisfied, up to 5 for very satisfied');
    expect(find(twiml, 'Hangup')).toBeUndefined();

    // A key that is no rating asks once more; then 4 is the answer.
    const again = await twilio.post(gather.attributes.action!, { ...base(callSid), Digits: '9', CallStatus: 'in-progress' });
    expect(find(again.twiml, 'Gather')!.attributes.action).toBe(hook(surveyed, '/gather?menu=%40survey'));
    const rated = await twilio.post(gather.attributes.action!, { ...base(callSid), Digits: '4', CallStatus: 'in-progress' });
    expect(rated.twiml.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    expect(find(rated.twiml, 'Say')!.text).toBe('Thank you for your rating. Goodbye.');

    const conversation = (await callConversation(center.db, surveyed, callSid))!;
    const [answer] = await waitFor(async () => {
      const rows = await responses(conversation.id);
      return rows.length > 0 && rows;
    });
    expect(answer).toMatchObject({ rating: 4, via: 'dtmf', agent_id: company.agents.Carol, channel_id: surveyed, comment: '' });
    // Twilio sends the key again (its retry, as if our answer was lost): the same answer, filed once.
    const retried = await twilio.post(gather.attributes.action!, { ...base(callSid), Digits: '4', CallStatus: 'in-progress' });
    expect(retried.twiml.map((v) => v.verb)).toEqual(['Say', 'Hangup']);
    await new Promise((r) => setTimeout(r, 300));
    expect(await responses(conversation.id)).toHaveLength(1);

    const resolved = await hangUp(surveyed, callSid);
    const ended = await callRow(center.db, surveyed, callSid);
    expect(ended).toMatchObject({ state: 'ended', disposition: 'answered' });
    expect(await timeline(center.db, ended!.id)).toEqual(['started', 'queued', 'ringing', 'answered', 'agent_hung_up', 'survey', 'key', 'rated', 'ended']);
    const messages = await center.db.selectFrom('messages').select('content').where('conversation_id', '=', resolved.id).orderBy('id').execute();
    expect(messages.map((m) => (m.content[0] as { name: string }).name)).toEqual(['call.started', 'call.queued', 'call.answered', 'call.rated', 'call.ended']);

    const now = Date.now();
    const scope = { tenantId: company.tenantId, from: new Date(now - 3_600_000), to: new Date(now + 3_600_000), timeZone: 'UTC', channelId: surveyed };
    await refreshRange(center.db, company.tenantId, scope.from, scope.to);
    const report = (await runReport(center.db, 'csat', scope as never)) as {
      totals: { csatResponses: number; csatAverage: number };
      distribution: { rating: number; count: number }[];
    };
    expect(report.totals).toMatchObject({ csatResponses: 1, csatAverage: 4 });
    expect(report.distribution.find((d) => d.rating === 4)).toEqual({ rating: 4, count: 1 });
  }, 40_000);

  it('files nothing when the caller does not answer, and hangs up at once on a channel whose survey is off', async () => {
    const silentSid = 'CA6000000000000000000000000000000a';
    const twiml = await talkAndAgentHangsUp(surveyed, silentSid, 'CA6000000000000000000000000000000b');
    const timedOut = find(twiml, 'Redirect')!.text;
    expect(timedOut).toBe(hook(surveyed, '/gather?menu=%40survey&timeout=1'));
    const bye = await twilio.post(timedOut, { ...base(silentSid), CallStatus: 'in-progress' });
    expect(bye.twiml.map((v) => v.verb)).toEqual(['Hangup']);
    const silent = await hangUp(surveyed, silentSid);
    expect(await responses(silent.id)).toEqual([]);
    expect(await timeline(center.db, (await callRow(center.db, surveyed, silentSid))!.id)).toContain('not_rated');

    const plainSid = 'CA7000000000000000000000000000000a';
    const direct = await talkAndAgentHangsUp(plain, plainSid, 'CA7000000000000000000000000000000b');
    expect(direct.map((v) => v.verb)).toEqual(['Hangup']);
    const ended = await hangUp(plain, plainSid);
    expect(await responses(ended.id)).toEqual([]);
    expect(await timeline(center.db, (await callRow(center.db, plain, plainSid))!.id)).not.toContain('survey');
  }, 40_000);

  it('on Asterisk plays the survey sound to the caller left in the bridge and takes the DTMF key', async () => {
    const played = (id: string) => ari.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/channels/${id}/play/`)).map((r) => r.query.media);
    const callId = ari.incomingCall('+8613800000077');
    const leg = await waitFor(() => ari.ringing('PJSIP/carol@pbx.example')[0], 15_000);
    ari.answer(leg.id);
    await waitFor(async () => (await callRow(center.db, asterisk, callId))?.state === 'answered');
    // Carol hangs up her phone: the caller stays and hears the question.
    ari.hangup(leg.id);
    await waitFor(() => played(callId).includes('sound:custom/rate-this-call'), 10_000);
    expect(ari.channels.has(callId)).toBe(true);
    ari.pressKey(callId, '2');
    await waitFor(() => !ari.channels.has(callId), 10_000);
    const conversation = await waitFor(async () => {
      const c = await callConversation(center.db, asterisk, callId);
      return c?.status === 'resolved' ? c : undefined;
    });
    expect(await responses(conversation.id)).toEqual([expect.objectContaining({ rating: 2, via: 'dtmf', agent_id: company.agents.Carol })]);
    const ended = (await callRow(center.db, asterisk, callId))!;
    expect(ended).toMatchObject({ state: 'ended', disposition: 'answered' });
    expect(await timeline(center.db, ended.id)).toEqual(['started', 'queued', 'ringing', 'answered', 'agent_hung_up', 'survey', 'rated', 'ended']);
  }, 40_000);
});
