import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AriClient } from '../connectors/voice/asterisk/client.js';
import { FakeAri } from './fakes/ari.js';
import { DATABASE_URL } from './support/services.js';
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
import { depsFor, waitFor } from './support/router-world.js';
import { transferConversation } from '../router/conversations/transfer-conversation.js';
import { loopbackOutbound } from './support/connectors.js';

/**
 * Hold during a call, end to end: the agent's console asks the server, the server asks Asterisk
 * over ARI (`POST`/`DELETE /channels/{id}/hold`, against the fake), the call's timeline and the
 * conversation note it. Real PostgreSQL and RabbitMQ.
 */
describe.skipIf(!DATABASE_URL)('holding a call', () => {
  const ari = new FakeAri();
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;
  let otherCompany: Awaited<ReturnType<typeof callCenterCompany>>;
  let channelId: string;
  let alice: HttpAgent;
  let bob: HttpAgent;
  let stranger: HttpAgent;

  beforeAll(async () => {
    await ari.start();
    center = await startCallCenter();
    company = await callCenterCompany(center.db, 'hold-co', [
      { name: 'Alice', sip: '1001' },
      { name: 'Bob', sip: '1002' },
    ]);
    otherCompany = await callCenterCompany(center.db, 'other-co', [{ name: 'Olga', sip: '2001', phone: 'offline' }]);
    channelId = await addVoiceChannel(center.running, company.tenantId, 'voice-asterisk', {
      ariUrl: ari.url,
      ariUser: 'asterisk',
      ariPassword: 'ari-secret',
      ivrFlowId: company.flowId,
      ringSeconds: 30,
    });
    alice = await signInAgent(center.db, center.running.url, 'hold-co', company.agents.Alice!);
    bob = await signInAgent(center.db, center.running.url, 'hold-co', company.agents.Bob!);
    stranger = await signInAgent(center.db, center.running.url, 'other-co', otherCompany.agents.Olga!);
    await waitFor(() => ari.connected === 1, 15_000);
  }, 60_000);

  afterAll(async () => {
    await center?.stop();
    await ari.stop();
  });

  const holdRequests = (channel: string) => ari.requests.filter((r) => r.path === `/channels/${channel}/hold`).map((r) => r.method);
  /** A caller who chose the Sales queue (1), answered by whichever agent rang first: the call as answered. */
  const answeredBySomeAgent = async (callId: string) => {
    await waitFor(() => ari.requests.some((r) => r.path.startsWith(`/channels/${callId}/play/`)), 10_000);
    ari.pressKey(callId, '1');
    const leg = await waitFor(() => ari.ringing('PJSIP/1001')[0] ?? ari.ringing('PJSIP/1002')[0], 10_000);
    ari.answer(leg.id);
    return waitFor(async () => {
      const row = await callRow(center.db, channelId, callId);
      return row?.state === 'answered' ? row : undefined;
    });
  };

  it('lets the agent on the call put the caller on hold and take them off it, on Asterisk and in the call record and conversation; nobody else can', async () => {
    const callId = ari.incomingCall('+8613800000101');
    await waitFor(() => ari.requests.some((r) => r.path.startsWith(`/channels/${callId}/play/`)), 10_000);
    ari.pressKey(callId, '1');
    const leg = await waitFor(() => ari.ringing('PJSIP/1001')[0], 10_000);
    const ringing = (await callRow(center.db, channelId, callId))!;

    // Ringing is not talking: nothing to hold yet.
    expect((await alice.request('POST', `/api/calls/${ringing.id}/hold`)).status).toBe(409);

    ari.answer(leg.id);
    const call = await waitFor(async () => {
      const row = await callRow(center.db, channelId, callId);
      return row?.state === 'answered' ? row : undefined;
    });
    expect((await alice.request('GET', '/api/call-center/me')).body.call).toMatchObject({ id: call.id, state: 'answered', onHold: false });

    // Another company's agent does not see the call; a colleague not on it may not hold it.
    expect((await stranger.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(404);
    expect((await bob.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(403);
    expect(holdRequests(callId)).toEqual([]);

    const held = await alice.request('POST', `/api/calls/${call.id}/hold`);
    expect(held).toMatchObject({ status: 200, body: { callId: call.id, onHold: true } });
    expect(ari.channels.get(callId)?.held).toBe(true);
    expect(holdRequests(callId)).toEqual(['POST']);
    expect((await alice.request('GET', '/api/call-center/me')).body.call.onHold).toBe(true);
    // Twice is a mistake, not a second hold.
    expect((await alice.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(409);

    const resumed = await alice.request('DELETE', `/api/calls/${call.id}/hold`);
    expect(resumed).toMatchObject({ status: 200, body: { onHold: false } });
    expect(ari.channels.get(callId)?.held).toBe(false);
    expect(holdRequests(callId)).toEqual(['POST', 'DELETE']);
    expect((await alice.request('DELETE', `/api/calls/${call.id}/hold`)).status).toBe(409);
    // The agent's leg and the bridge are untouched: they talk again.
    expect(ari.channels.has(leg.id)).toBe(true);
    expect(ari.bridges.get(`sb-${call.id}`)?.size).toBe(2);

    // A second hold on the same call is a step of its own.
    expect((await alice.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(200);
    expect((await alice.request('DELETE', `/api/calls/${call.id}/hold`)).status).toBe(200);

    const record = await alice.request('GET', `/api/conversations/${(await callConversation(center.db, channelId, callId))!.id}/call`);
    expect(record.body.timeline.map((s: { kind: string }) => s.kind)).toEqual([
      'started',
      'menu',
      'key',
      'queued',
      'ringing',
      'answered',
      'held',
      'resumed',
      'held',
      'resumed',
    ]);
    expect(record.body.timeline[6].detail).toEqual({ agentId: company.agents.Alice });

    // The conversation's messages carry each step, in order, once.
    const conversation = (await callConversation(center.db, channelId, callId))!;
    const names = async () =>
      (await center.db.selectFrom('messages').select('content').where('conversation_id', '=', conversation.id).orderBy('id').execute()).map(
        (m) => (m.content[0] as { name: string }).name,
      );
    await waitFor(async () => (await names()).filter((n) => n === 'call.resumed').length === 2, 10_000);
    expect(await names()).toEqual(['call.started', 'call.queued', 'call.answered', 'call.held', 'call.resumed', 'call.held', 'call.resumed']);

    ari.hangup(callId);
    const ended = await waitFor(async () => {
      const row = await callRow(center.db, channelId, callId);
      return row?.state === 'ended' ? row : undefined;
    });
    expect(ended.disposition).toBe('answered');
    expect((await alice.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(409);
    expect(await timeline(center.db, call.id)).toContain('ended');
    expect(center.logs()).not.toContain('ari-secret');
  }, 40_000);

  it('takes the caller off hold when the held call is transferred, so the next agent talks to them', async () => {
    const callId = ari.incomingCall('+8613800000105');
    const call = await answeredBySomeAgent(callId);
    const [from, to, toSip] = call.agent_id === company.agents.Alice ? [alice, company.agents.Bob!, 'PJSIP/1002'] : [bob, company.agents.Alice!, 'PJSIP/1001'];
    expect((await from.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(200);
    expect(ari.channels.get(callId)?.held).toBe(true);

    const conversation = (await callConversation(center.db, channelId, callId))!;
    await transferConversation(depsFor(center.db), {
      tenantId: company.tenantId,
      conversationId: conversation.id,
      actorId: call.agent_id!,
      to: { agentId: to },
    });
    const next = await waitFor(() => ari.ringing(toSip)[0], 10_000);
    expect(ari.channels.get(callId)?.held).toBe(false);
    expect(holdRequests(callId)).toEqual(['POST', 'DELETE']);
    ari.answer(next.id);
    await waitFor(
      async () => (await callRow(center.db, channelId, callId))?.agent_id === to && (await callRow(center.db, channelId, callId))?.state === 'answered',
    );
    const steps = await center.db.selectFrom('call_events').select(['kind', 'detail']).where('call_id', '=', call.id).orderBy('id').execute();
    expect(steps.map((s) => s.kind)).toEqual([
      'started',
      'menu',
      'key',
      'queued',
      'ringing',
      'answered',
      'held',
      'resumed',
      'transferred',
      'ringing',
      'answered',
    ]);
    expect(steps[7]!.detail).toEqual({ via: 'transfer' });
    const names = async () =>
      (await center.db.selectFrom('messages').select('content').where('conversation_id', '=', conversation.id).orderBy('id').execute()).map(
        (m) => (m.content[0] as { name: string }).name,
      );
    await waitFor(async () => (await names()).includes('call.transferred'), 10_000);
    expect(await names()).toEqual(['call.started', 'call.queued', 'call.answered', 'call.held', 'call.resumed', 'call.transferred']);
    ari.hangup(callId);
    await waitFor(async () => (await callRow(center.db, channelId, callId))?.state === 'ended');
  }, 30_000);

  it("on an outbound call holds the customer's leg, not the agent's", async () => {
    // Away for chats, or still on another call's conversation: the call she places is hers anyway.
    await center.db.updateTable('users').set({ agent_status: 'away' }).where('id', '=', company.agents.Alice!).execute();
    const placed = await alice.request('POST', '/api/calls', { channelId, number: '13900000201' });
    expect(placed.status).toBe(202);
    const agentSide = await waitFor(() => ari.ringing('PJSIP/1001').find((c) => c.id === placed.body.providerCallId), 10_000);
    ari.answer(agentSide.id);
    const customer = await waitFor(() => ari.ringing('PJSIP/13900000201@trunk')[0], 10_000);
    ari.answer(customer.id);
    const call = await waitFor(async () => {
      const row = await callRow(center.db, channelId, agentSide.id);
      return row?.state === 'answered' ? row : undefined;
    });
    await waitFor(async () => (await callConversation(center.db, channelId, agentSide.id))?.assignee_id === company.agents.Alice, 30_000);
    expect((await alice.request('POST', `/api/calls/${call.id}/hold`)).status).toBe(200);
    expect(ari.channels.get(customer.id)?.held).toBe(true);
    expect(ari.channels.get(agentSide.id)?.held).toBe(false);
    expect((await alice.request('DELETE', `/api/calls/${call.id}/hold`)).status).toBe(200);
    expect(ari.channels.get(customer.id)?.held).toBe(false);
    expect(holdRequests(customer.id)).toEqual(['POST', 'DELETE']);
    expect(holdRequests(agentSide.id)).toEqual([]);
    ari.hangup(customer.id);
    await waitFor(async () => (await callRow(center.db, channelId, agentSide.id))?.state === 'ended', 30_000);
    await center.db.updateTable('users').set({ agent_status: 'online' }).where('id', '=', company.agents.Alice!).execute();
  }, 90_000);

  it('answers 502, and records nothing, when Asterisk refuses the hold (the caller hung up that instant)', async () => {
    const callId = ari.incomingCall('+8613800000102');
    const call = await answeredBySomeAgent(callId);
    const agent = call.agent_id === company.agents.Alice ? alice : bob;
    // The caller's channel is gone on Asterisk before the hangup event reaches Switchboard.
    ari.channels.delete(callId);
    const refused = await agent.request('POST', `/api/calls/${call.id}/hold`);
    expect(refused.status).toBe(502);
    expect(JSON.stringify(refused.body)).not.toContain('ari-secret');
    expect(await timeline(center.db, call.id)).not.toContain('held');
    expect((await agent.request('GET', '/api/call-center/me')).body.call.onHold).toBe(false);
  }, 30_000);

  it('the fake Asterisk refuses a hold as ARI does: unknown channel 404, a channel still ringing 412, wrong credentials 401', async () => {
    const client = new AriClient({ baseUrl: ari.url, user: 'asterisk', password: 'ari-secret', app: 'switchboard', outbound: loopbackOutbound() });
    await expect(client.hold('no-such-channel')).rejects.toThrow(/404|not found/i);
    const response = await fetch(`${ari.url}/channels/no-such-channel/hold`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('asterisk:ari-secret').toString('base64')}` },
    });
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ message: 'Channel not found' });

    const auth = { authorization: `Basic ${Buffer.from('asterisk:ari-secret').toString('base64')}` };
    // Channels Switchboard never heard of (no events sent): one in the application but not answered, one dialled out and still ringing.
    ari.channels.set('ringing-caller', {
      id: 'ringing-caller',
      name: 'PJSIP/trunk-1',
      state: 'Ring',
      callerNumber: '+8613800000103',
      exten: '4000',
      inStasis: true,
      moh: false,
      held: false,
    });
    ari.channels.set('ringing-leg', {
      id: 'ringing-leg',
      name: 'PJSIP/1009-1',
      state: 'Ringing',
      callerNumber: '',
      exten: 's',
      endpoint: 'PJSIP/1009',
      appArgs: ['agent', 'x'],
      inStasis: false,
      moh: false,
      held: false,
    });
    const notUp = await fetch(`${ari.url}/channels/ringing-caller/hold`, { method: 'POST', headers: auth });
    expect(notUp.status).toBe(412);
    expect(await notUp.json()).toEqual({ message: 'Channel in invalid state' });
    const notInStasis = await fetch(`${ari.url}/channels/ringing-leg/hold`, { method: 'POST', headers: auth });
    expect(notInStasis.status).toBe(409);
    expect(await notInStasis.json()).toEqual({ message: 'Channel not in Stasis application' });
    const wrong = await fetch(`${ari.url}/channels/ringing-caller/hold`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('asterisk:wrong').toString('base64')}` },
    });
    expect(wrong.status).toBe(401);
    expect(ari.channels.get('ringing-caller')?.held).toBe(false);
    ari.channels.delete('ringing-caller');
    ari.channels.delete('ringing-leg');
  }, 20_000);
});
