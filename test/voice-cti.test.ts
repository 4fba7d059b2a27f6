import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addVoiceChannel, callCenterCompany, callConversation, callRow, startCallCenter, timeline } from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { DATABASE_URL } from './support/services.js';

const TOKEN = 'pbx-events-token-0123456789';

/** A PBX that only reports its calls (generic CTI: newCall, answer, hangup): the calls are filed and go to the agent who answered. */
describe.skipIf(!DATABASE_URL)('calls reported by a PBX', () => {
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let channelId: string;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;

  beforeAll(async () => {
    center = await startCallCenter();
    company = await callCenterCompany(center.db, 'cti-co', [
      { name: 'Alice', sip: '201' },
      { name: 'Bob', sip: '202' },
    ]);
    channelId = await addVoiceChannel(center.running, company.tenantId, 'voice-cti', { token: TOKEN });
  }, 60_000);
  afterAll(async () => {
    await center?.stop();
  });

  const post = (body: Record<string, string | string[]>, token: string | null = TOKEN) => {
    const form = new URLSearchParams();
    for (const [key, value] of Object.entries(body)) for (const v of [value].flat()) form.append(key, v);
    return fetch(`${center.running.url}/hooks/${channelId}/cti${token === null ? '' : `?token=${encodeURIComponent(token)}`}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  };

  it('refuses a missing or wrong token and a malformed event, and stores nothing', async () => {
    const newCall = { event: 'newCall', callId: 'pbx-0', from: '+8613600000000', to: '4000', direction: 'in' };
    expect((await post(newCall, null)).status).toBe(401);
    expect((await post(newCall, 'wrong-token-0123456789abc')).status).toBe(403);
    expect((await post({ event: 'newCall', callId: 'pbx-0' })).status).toBe(400);
    expect((await post({ event: 'transfer', callId: 'pbx-0' })).status).toBe(400);
    expect(await callRow(center.db, channelId, 'pbx-0')).toBeUndefined();
  });

  it('files a call from newCall to hangup and gives its conversation to the agent whose phone answered', async () => {
    expect(
      (await post({ event: 'newCall', callId: 'pbx-1', from: '+8613600000001', to: '4000', direction: 'in', queue: 'sales', 'user[]': ['Alice', 'Bob'] }))
        .status,
    ).toBe(200);
    // The PBX repeats itself: still one call.
    expect((await post({ event: 'newCall', callId: 'pbx-1', from: '+8613600000001', to: '4000', direction: 'in' })).status).toBe(200);
    await waitFor(async () => (await callConversation(center.db, channelId, 'pbx-1'))?.status === 'open');
    expect((await post({ event: 'answer', callId: 'pbx-1', answeringNumber: '202', 'user[]': ['Bob'] })).status).toBe(200);
    const talking = await waitFor(async () => {
      const c = await callConversation(center.db, channelId, 'pbx-1');
      return c?.status === 'assigned' ? c : undefined;
    });
    expect(talking.assignee_id).toBe(company.agents.Bob);
    expect((await post({ event: 'hangup', callId: 'pbx-1', cause: 'normalClearing' })).status).toBe(200);
    const call = await callRow(center.db, channelId, 'pbx-1');
    expect(call).toMatchObject({ state: 'ended', disposition: 'answered', agent_id: company.agents.Bob, cause: 'normalClearing', direction: 'in' });
    expect(await timeline(center.db, call!.id)).toEqual(['started', 'answered', 'ended']);
    await waitFor(async () => (await callConversation(center.db, channelId, 'pbx-1'))?.status === 'resolved');
  });

  it('files a call nobody answered as abandoned', async () => {
    await post({ event: 'newCall', callId: 'pbx-2', from: '+8613600000002', to: '4000', direction: 'in' });
    await post({ event: 'hangup', callId: 'pbx-2', cause: 'cancel' });
    expect(await callRow(center.db, channelId, 'pbx-2')).toMatchObject({ state: 'ended', disposition: 'abandoned_queue', cause: 'cancel' });
    await waitFor(async () => (await callConversation(center.db, channelId, 'pbx-2'))?.status === 'resolved');
    expect(center.logs()).not.toContain(TOKEN);
  });
});
