import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAri } from './fakes/ari.js';
import { DATABASE_URL } from './support/services.js';
import { addVoiceChannel, callCenterCompany, callConversation, callRow, startCallCenter, timelineWithRecording } from './support/call-center-world.js';
import { depsFor, waitFor } from './support/router-world.js';
import { connectorDeps } from '../app/gateway.js';
import { loadChannelContext } from '../core/connector/channel-context.js';
import { transferConversation } from '../router/conversations/transfer-conversation.js';

/**
 * Calls through Asterisk end to end: the fake speaks ARI's REST and WebSocket events; the real
 * events loop, call center, router (real PostgreSQL and RabbitMQ) and event forwarding run.
 */
describe.skipIf(!DATABASE_URL)('calls through Asterisk ARI', () => {
  const ari = new FakeAri();
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let channelId: string;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;
  /** Most agent legs ringing at once, sampled through every test. */
  let mostRinging = 0;
  let sampler: NodeJS.Timeout;

  beforeAll(async () => {
    await ari.start();
    center = await startCallCenter();
    company = await callCenterCompany(
      center.db,
      'ari-co',
      [
        { name: 'Alice', sip: '1001' },
        { name: 'Bob', sip: '1002' },
      ],
      { no_answer_seconds: 2 },
    );
    channelId = await addVoiceChannel(center.running, company.tenantId, 'voice-asterisk', {
      ariUrl: ari.url,
      ariUser: 'asterisk',
      ariPassword: 'ari-secret',
      ivrFlowId: company.flowId,
      ringSeconds: 10,
    });
    sampler = setInterval(() => {
      mostRinging = Math.max(mostRinging, ari.ringing().length);
    }, 5);
    await waitFor(() => ari.connected === 1, 15_000);
  }, 60_000);

  afterAll(async () => {
    clearInterval(sampler);
    await center?.stop();
    await ari.stop();
  });

  const played = (callId: string) =>
    ari.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/channels/${callId}/play/`)).map((r) => r.query.media);

  it('answers, plays the menu, queues the caller on 1, rings one agent at a time, connects the one who answers, pops their screen, transfers blind and files the call', async () => {
    const callId = ari.incomingCall('+8613800000001');
    await waitFor(() => played(callId).includes('sound:sales-menu'), 10_000);
    expect(ari.requests.some((r) => r.path === `/channels/${callId}/answer`)).toBe(true);
    ari.pressKey(callId, '1');

    // Alice rings first; she does not answer within the group's 2 seconds, so Bob rings.
    const aliceLeg = await waitFor(() => ari.ringing('PJSIP/1001')[0], 10_000);
    expect(aliceLeg.appArgs).toEqual(['agent', callId]);
    expect(aliceLeg.callerNumber).toBe('+8613800000001');
    const bobLeg = await waitFor(() => ari.ringing('PJSIP/1002')[0], 10_000);
    expect(ari.channels.has(aliceLeg.id)).toBe(false);
    expect(ari.requests.some((r) => r.method === 'DELETE' && r.path === `/channels/${aliceLeg.id}`)).toBe(true);

    ari.answer(bobLeg.id);
    const answered = await waitFor(async () => {
      const call = await callRow(center.db, channelId, callId);
      return call?.state === 'answered' ? call : undefined;
    });
    expect(answered.agent_id).toBe(company.agents.Bob);
    await waitFor(() => ari.bridges.get(`sb-${answered.id}`)?.size === 2);
    await waitFor(() => ari.recordings.includes(`call-${answered.id}`));
    const talking = await callConversation(center.db, channelId, callId);
    expect(talking).toMatchObject({ kind: 'voice', status: 'assigned', assignee_id: company.agents.Bob, group_id: company.sales });

    // Bob's console heard of the ring at once (the screen pop), in the commit that rang him.
    const pops = await center.db
      .selectFrom('outbox')
      .select(['payload', 'created_at'])
      .where('kind', '=', 'call.ringing')
      .where('tenant_id', '=', company.tenantId)
      .orderBy('id')
      .execute();
    expect(pops.map((p) => (p.payload as { agentId: string }).agentId)).toEqual([company.agents.Alice, company.agents.Bob]);
    expect(pops[1]!.payload).toMatchObject({ callId: answered.id, from: '+8613800000001', conversation: { assigneeId: company.agents.Bob } });
    expect(Math.abs(new Date(pops[1]!.created_at).getTime() - new Date(answered.ringing_at!).getTime())).toBeLessThan(1000);

    // Bob transfers the call to Alice (blind): her phone rings, Bob's leg goes, the caller stays.
    await transferConversation(depsFor(center.db), {
      tenantId: company.tenantId,
      conversationId: talking!.id,
      actorId: company.agents.Bob!,
      to: { agentId: company.agents.Alice! },
    });
    const aliceAgain = await waitFor(() => ari.ringing('PJSIP/1001')[0], 10_000);
    await waitFor(() => !ari.channels.has(bobLeg.id));
    expect(ari.channels.has(callId)).toBe(true);
    ari.answer(aliceAgain.id);
    await waitFor(async () => {
      const call = await callRow(center.db, channelId, callId);
      return call?.state === 'answered' && call.agent_id === company.agents.Alice;
    });
    await waitFor(() => ari.bridges.get(`sb-${answered.id}`)?.has(aliceAgain.id));

    ari.hangup(callId);
    const ended = await waitFor(async () => {
      const call = await callRow(center.db, channelId, callId);
      return call?.state === 'ended' ? call : undefined;
    });
    expect(ended).toMatchObject({ disposition: 'answered', agent_id: company.agents.Alice, recording_ref: `ari:call-${answered.id}` });
    expect(ended.wait_seconds).toBeGreaterThanOrEqual(2);
    expect(ended.talk_seconds).not.toBeNull();
    // Every step the docs list, as on Twilio: Alice's ring that nobody picked up, and the recording
    // (ARI's RecordingFinished once the call's bridge is gone).
    expect(await timelineWithRecording(center.db, ended.id)).toEqual([
      'started',
      'menu',
      'key',
      'queued',
      'ringing',
      'not_answered',
      'ringing',
      'answered',
      'transferred',
      'ringing',
      'answered',
      'ended',
      'recording',
    ]);
    expect(ari.requests.some((r) => r.method === 'DELETE' && r.path === `/bridges/sb-${answered.id}`)).toBe(true);
    // Alice's leg went with the caller, and she is free again.
    await waitFor(() => !ari.channels.has(aliceAgain.id));
    const conversation = await waitFor(async () => {
      const c = await callConversation(center.db, channelId, callId);
      return c?.status === 'resolved' ? c : undefined;
    });
    const contact = await center.db.selectFrom('contacts').select('phone').where('id', '=', conversation.contact_id).executeTakeFirstOrThrow();
    expect(contact.phone).toBe('+8613800000001');
    const messages = await center.db.selectFrom('messages').select('content').where('conversation_id', '=', conversation.id).orderBy('id').execute();
    expect(messages.map((m) => (m.content[0] as { name: string }).name)).toEqual([
      'call.started',
      'call.queued',
      'call.answered',
      'call.transferred',
      'call.ended',
    ]);
    expect(mostRinging).toBe(1);
  }, 40_000);

  it('threads a second call from the same number to the same contact, as a conversation of its own', async () => {
    const first = await center.db.selectFrom('contacts').select('id').where('phone', '=', '+8613800000001').execute();
    const callId = ari.incomingCall('+8613800000001');
    await waitFor(() => played(callId).length > 0);
    ari.pressKey(callId, '2');
    const ended = await waitFor(async () => {
      const call = await callRow(center.db, channelId, callId);
      return call?.state === 'ended' ? call : undefined;
    });
    expect(ended.disposition).toBe('ivr_hangup');
    const conversation = await waitFor(async () => {
      const c = await callConversation(center.db, channelId, callId);
      return c?.status === 'resolved' ? c : undefined;
    });
    expect(first).toHaveLength(1);
    expect(conversation.contact_id).toBe(first[0]!.id);
    expect(conversation.assignee_id).toBeNull();
  }, 20_000);

  it('leaves a correct record and no agent busy when the caller hangs up in the menu, in the queue, or while an agent rings', async () => {
    // In the menu.
    const inMenu = ari.incomingCall('+8613800000002');
    await waitFor(() => played(inMenu).length > 0);
    ari.hangup(inMenu);
    // While ringing: Alice's phone rings, the caller gives up.
    const ringing = ari.incomingCall('+8613800000003');
    await waitFor(() => played(ringing).length > 0);
    ari.pressKey(ringing, '1');
    const leg = await waitFor(() => ari.ringing()[0], 10_000);
    ari.hangup(ringing);
    await waitFor(() => !ari.channels.has(leg.id));

    for (const [callId, disposition] of [
      [inMenu, 'abandoned_ivr'],
      [ringing, 'abandoned_ringing'],
    ] as const) {
      const call = await waitFor(async () => {
        const c = await callRow(center.db, channelId, callId);
        return c?.state === 'ended' ? c : undefined;
      });
      expect(call.disposition).toBe(disposition);
      expect(call.talk_seconds).toBeNull();
      await waitFor(async () => (await callConversation(center.db, channelId, callId))?.status === 'resolved');
    }

    // In the queue: both agents' phones are off, so the caller waits; then hangs up.
    await center.db.updateTable('users').set({ phone_status: 'offline' }).where('tenant_id', '=', company.tenantId).execute();
    const queued = ari.incomingCall('+8613800000004');
    await waitFor(() => played(queued).length > 0);
    ari.pressKey(queued, '1');
    await waitFor(async () => (await callConversation(center.db, channelId, queued))?.status === 'queued');
    await waitFor(() => ari.channels.get(queued)?.moh === true);
    ari.hangup(queued);
    const call = await waitFor(async () => {
      const c = await callRow(center.db, channelId, queued);
      return c?.state === 'ended' ? c : undefined;
    });
    expect(call.disposition).toBe('abandoned_queue');
    await waitFor(async () => (await callConversation(center.db, channelId, queued))?.status === 'resolved');

    const busy = await center.db.selectFrom('conversations').select('id').where('tenant_id', '=', company.tenantId).where('status', '<>', 'resolved').execute();
    expect(busy).toEqual([]);
    expect(mostRinging).toBe(1);
    expect(center.logs()).not.toContain('ari-secret');
  }, 40_000);

  it("places an outbound call: the agent's phone rings first, then the customer's number, recorded and filed like an inbound call", async () => {
    await center.db.updateTable('users').set({ phone_status: 'ip_phone' }).where('id', '=', company.agents.Alice!).execute();
    const loaded = await loadChannelContext(await connectorDeps(center.running.ctx), { id: channelId });
    const placed = await loaded!.connector.voice!.dial!({ agentId: company.agents.Alice!, number: '13900000077' }, loaded!.ctx);
    const agentSide = await waitFor(() => ari.ringing('PJSIP/1001').find((c) => c.id === placed.providerCallId));
    expect(agentSide.appArgs).toEqual(['outbound']);
    ari.answer(agentSide.id);
    const customer = await waitFor(() => ari.ringing('PJSIP/13900000077@trunk')[0]);
    ari.answer(customer.id);
    const answered = await waitFor(async () => {
      const call = await callRow(center.db, channelId, placed.providerCallId);
      return call?.state === 'answered' ? call : undefined;
    });
    expect(answered).toMatchObject({ direction: 'out', to_number: '13900000077', agent_id: company.agents.Alice });
    await waitFor(() => ari.recordings.includes(`call-${answered.id}`));
    const conversation = await waitFor(async () => {
      const c = await callConversation(center.db, channelId, placed.providerCallId);
      return c?.status === 'assigned' ? c : undefined;
    });
    expect(conversation.assignee_id).toBe(company.agents.Alice);
    ari.hangup(customer.id);
    const ended = await waitFor(async () => {
      const call = await callRow(center.db, channelId, placed.providerCallId);
      return call?.state === 'ended' ? call : undefined;
    });
    expect(ended.disposition).toBe('answered');
    expect(await timelineWithRecording(center.db, ended.id)).toEqual([
      'dialing_agent',
      'dialing_customer',
      'answered',
      'customer_hung_up',
      'ended',
      'recording',
    ]);
    const contact = await center.db.selectFrom('contacts').select('phone').where('id', '=', conversation.contact_id).executeTakeFirstOrThrow();
    expect(contact.phone).toBe('13900000077');
    await waitFor(async () => (await callConversation(center.db, channelId, placed.providerCallId))?.status === 'resolved');
  }, 30_000);

  it('moves a caller who waited too long to the overflow queue, whose agent is rung', async () => {
    const db = center.db;
    await db.updateTable('users').set({ phone_status: 'offline' }).where('tenant_id', '=', company.tenantId).execute();
    const backup = await db.insertInto('groups').values({ tenant_id: company.tenantId, name: 'Backup' }).returning('id').executeTakeFirstOrThrow();
    const role = await db.selectFrom('roles').select('id').where('tenant_id', '=', company.tenantId).executeTakeFirstOrThrow();
    const carol = await db
      .insertInto('users')
      .values({
        tenant_id: company.tenantId,
        email: 'carol@ari-co.test',
        name: 'Carol',
        password_hash: null,
        role_id: role.id,
        account_status: 'active',
        agent_status: 'online',
        phone_status: 'ip_phone',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db.insertInto('group_members').values({ tenant_id: company.tenantId, group_id: backup.id, user_id: carol.id }).execute();
    await db.insertInto('voice_endpoints').values({ tenant_id: company.tenantId, user_id: carol.id, sip: '1003', webrtc: null, mobile: null }).execute();
    await db.updateTable('groups').set({ overflow_group_id: backup.id, overflow_after_seconds: 1 }).where('id', '=', company.sales).execute();

    const callId = ari.incomingCall('+8613800000005');
    await waitFor(() => played(callId).length > 0);
    ari.pressKey(callId, '1');
    await waitFor(async () => (await callConversation(db, channelId, callId))?.status === 'queued');
    const leg = await waitFor(() => ari.ringing('PJSIP/1003')[0], 10_000);
    expect(leg.appArgs).toEqual(['agent', callId]);
    expect((await callConversation(db, channelId, callId))?.group_id).toBe(backup.id);
    ari.hangup(callId);
    const call = await waitFor(async () => {
      const c = await callRow(db, channelId, callId);
      return c?.state === 'ended' ? c : undefined;
    });
    expect(call.disposition).toBe('abandoned_ringing');
    await waitFor(() => !ari.channels.has(leg.id));
  }, 20_000);

  it('gives an agent their after-call work time before the next call rings them', async () => {
    const db = center.db;
    await db.updateTable('groups').set({ overflow_group_id: null, overflow_after_seconds: null }).where('id', '=', company.sales).execute();
    await db.updateTable('users').set({ phone_status: 'offline' }).where('tenant_id', '=', company.tenantId).execute();
    await db.updateTable('users').set({ phone_status: 'ip_phone' }).where('id', '=', company.agents.Alice!).execute();
    await db.updateTable('voice_endpoints').set({ wrap_up_seconds: 3 }).where('user_id', '=', company.agents.Alice!).execute();

    const first = ari.incomingCall('+8613800000006');
    await waitFor(() => played(first).length > 0);
    ari.pressKey(first, '1');
    const leg = await waitFor(() => ari.ringing('PJSIP/1001')[0], 10_000);
    ari.answer(leg.id);
    await waitFor(async () => (await callRow(db, channelId, first))?.state === 'answered');
    ari.hangup(first);
    const ended = await waitFor(async () => {
      const c = await callRow(db, channelId, first);
      return c?.state === 'ended' ? c : undefined;
    });

    const second = ari.incomingCall('+8613800000007');
    await waitFor(() => played(second).length > 0);
    ari.pressKey(second, '1');
    await waitFor(async () => (await callConversation(db, channelId, second))?.status === 'queued');
    const next = await waitFor(() => ari.ringing('PJSIP/1001')[0], 15_000);
    const ringing = await callRow(db, channelId, second);
    expect(new Date(ringing!.ringing_at!).getTime() - new Date(ended.ended_at!).getTime()).toBeGreaterThanOrEqual(2900);
    ari.hangup(second);
    await waitFor(() => !ari.channels.has(next.id));
  }, 30_000);

  it("tells a waiting caller their place in line with Asterisk's queue sounds, music back after each, and after the longest wait takes a voicemail", async () => {
    const db = center.db;
    await db.updateTable('users').set({ phone_status: 'offline' }).where('tenant_id', '=', company.tenantId).execute();
    const waitingAri = new FakeAri();
    await waitingAri.start();
    try {
      const waitingChannel = await addVoiceChannel(center.running, company.tenantId, 'voice-asterisk', {
        ariUrl: waitingAri.url,
        ariUser: 'asterisk',
        ariPassword: 'ari-secret',
        ivrFlowId: company.flowId,
        announcePositionSeconds: 2,
        maxWaitSeconds: 5,
        maxWaitAction: 'voicemail',
      });
      await waitFor(() => waitingAri.connected === 1, 15_000);
      const plays = (callId: string) =>
        waitingAri.requests.filter((r) => r.method === 'POST' && r.path.startsWith(`/channels/${callId}/play/`)).map((r) => r.query.media);
      const callId = waitingAri.incomingCall('+8613800000008');
      await waitFor(() => plays(callId).length > 0);
      waitingAri.pressKey(callId, '1');
      await waitFor(async () => (await callConversation(db, waitingChannel, callId))?.status === 'queued');
      await waitFor(() => waitingAri.channels.get(callId)?.moh === true);
      // Two seconds in: "you are next", then the music again.
      await waitFor(() => plays(callId).includes('sound:queue-youarenext'), 5_000);
      await waitFor(() => waitingAri.channels.get(callId)?.moh === true);
      // Five seconds in: out of the line, into voicemail.
      await waitFor(() => waitingAri.recordings.some((r) => r.startsWith('voicemail-')), 8_000);
      await waitFor(async () => (await callConversation(db, waitingChannel, callId))?.status === 'open');
      waitingAri.hangup(callId);
      const ended = await waitFor(async () => {
        const c = await callRow(db, waitingChannel, callId);
        return c?.state === 'ended' ? c : undefined;
      });
      expect(ended).toMatchObject({ disposition: 'voicemail', recording_ref: `ari:voicemail-${ended.id}` });
      const steps = await timelineWithRecording(db, ended.id);
      expect(steps.slice(0, 5)).toEqual(['started', 'menu', 'key', 'queued', 'position']);
      // The voicemail is finished when the caller hangs up.
      expect(steps.slice(-3)).toEqual(['max_wait', 'ended', 'recording']);
      await waitFor(async () => (await callConversation(db, waitingChannel, callId))?.status === 'resolved');
    } finally {
      await waitingAri.stop();
    }
  }, 30_000);
});
