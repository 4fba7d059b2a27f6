import type { ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAri } from './fakes/ari.js';
import { addVoiceChannel, callCenterCompany, callConversation, callRow, startCallCenter, timeline } from './support/call-center-world.js';
import { waitFor } from './support/router-world.js';
import { AMQP_URL, BUS_NAMESPACE, DATABASE_URL, TEST_QUEUE_TYPE } from './support/services.js';
import { spawnWatched } from './support/spawn-watched.js';

/**
 * The router in processes of its own (`switchboard start --role router`), the gateway and console
 * in this one, on PostgreSQL and RabbitMQ: the router that rang an agent dies without a goodbye
 * while the phone rings, and the call must still reach an agent.
 */
describe.skipIf(!DATABASE_URL || !AMQP_URL)('a call while a router process dies', () => {
  const ari = new FakeAri();
  const children: ChildProcess[] = [];
  let center: Awaited<ReturnType<typeof startCallCenter>>;
  let channelId: string;
  let company: Awaited<ReturnType<typeof callCenterCompany>>;
  let mostRinging = 0;
  let sampler: NodeJS.Timeout;

  const startRouter = () => {
    const router = spawnWatched(
      ['console/cli/dev.mjs', 'start', '--role', 'router'],
      {
        PORT: '0',
        HOST: '127.0.0.1',
        DATABASE_URL: center.url,
        DATABASE_POOL_SIZE: '4',
        AMQP_URL: AMQP_URL!,
        BUS_QUEUE_TYPE: TEST_QUEUE_TYPE,
        BUS_NAMESPACE,
        INBOUND_SHARDS: '2',
        SECRET_KEY: 'cd'.repeat(32),
        DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-voice-router-')),
        LOG_LEVEL: 'info',
      },
      'switchboard is running',
    );
    children.push(router.child);
    return router;
  };

  beforeAll(async () => {
    await ari.start();
    center = await startCallCenter(undefined, ['gateway', 'console']);
    company = await callCenterCompany(
      center.db,
      'failover-co',
      [
        { name: 'Alice', sip: '1001' },
        { name: 'Bob', sip: '1002' },
      ],
      { no_answer_seconds: 3 },
    );
    channelId = await addVoiceChannel(center.running, company.tenantId, 'voice-asterisk', {
      ariUrl: ari.url,
      ariUser: 'asterisk',
      ariPassword: 'ari-secret',
      ivrFlowId: company.flowId,
      ringSeconds: 30,
    });
    await waitFor(() => ari.connected === 1, 15_000);
    sampler = setInterval(() => {
      mostRinging = Math.max(mostRinging, ari.ringing().length);
    }, 5);
  }, 60_000);

  afterAll(async () => {
    clearInterval(sampler);
    for (const child of children) child.kill('SIGKILL');
    await center?.stop();
    await ari.stop();
  });

  it('loses no call when the router that rang an agent is killed while the phone rings: the next router rings the next agent', async () => {
    const first = startRouter();
    await first.ready;
    const callId = ari.incomingCall('+8613800000099');
    await waitFor(() => ari.requests.some((r) => r.path.startsWith(`/channels/${callId}/play/`)), 10_000);
    ari.pressKey(callId, '1');
    // The first router gave the call to Alice: her phone rings.
    const aliceLeg = await waitFor(() => ari.ringing('PJSIP/1001')[0], 15_000);
    // It dies while her phone rings; the only router there is. A new one takes its place.
    first.child.kill('SIGKILL');
    await new Promise((resolve) => first.child.once('exit', resolve));
    expect(ari.ringing()).toEqual([aliceLeg]);
    const second = startRouter();
    await second.ready;

    // Alice does not answer; the new router's no-answer timer (kept in the database) moves the call to Bob.
    const bobLeg = await waitFor(() => ari.ringing('PJSIP/1002')[0], 30_000);
    expect(ari.channels.has(aliceLeg.id)).toBe(false);
    ari.answer(bobLeg.id);
    await waitFor(async () => (await callRow(center.db, channelId, callId))?.state === 'answered', 10_000);
    const talking = await callConversation(center.db, channelId, callId);
    expect(talking).toMatchObject({ status: 'assigned', assignee_id: company.agents.Bob });

    // After the call nobody is left busy.
    ari.hangup(callId);
    const ended = await waitFor(async () => {
      const c = await callRow(center.db, channelId, callId);
      return c?.state === 'ended' ? c : undefined;
    });
    expect(ended).toMatchObject({ disposition: 'answered', agent_id: company.agents.Bob });
    // (The caller hangs up as the talk begins: whether the recording got going is not the point here.)
    expect((await timeline(center.db, ended.id)).filter((k) => k !== 'recording')).toEqual([
      'started',
      'menu',
      'key',
      'queued',
      'ringing',
      'not_answered',
      'ringing',
      'answered',
      'ended',
    ]);
    await waitFor(async () => (await callConversation(center.db, channelId, callId))?.status === 'resolved', 15_000);
    const open = await center.db.selectFrom('conversations').select('id').where('tenant_id', '=', company.tenantId).where('status', '<>', 'resolved').execute();
    expect(open).toEqual([]);
    expect(mostRinging).toBe(1);
  }, 180_000);
});
