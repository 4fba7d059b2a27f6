import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelRouting, InboundEnvelope } from '../../core/domain/messages.js';
import { runSteps } from '../../test/support/pipeline-steps.js';
import { freshDatabase } from '../../test/support/services.js';
import { addAgent, addGroup, conversationOf, createWorld, envelope, setDefaultGroup, type World } from '../../test/support/router-world.js';
import { assign } from '../pipeline/steps/assign.js';
import { dedupe } from '../pipeline/steps/dedupe.js';
import { identify } from '../pipeline/steps/identify.js';
import { route } from '../pipeline/steps/route.js';
import { store } from '../pipeline/steps/store.js';
import { thread } from '../pipeline/steps/thread.js';
import { applyChannelEndings, followChannelRouting } from './inbound-steps.js';

describe('channel routing steps', () => {
  let handle: Awaited<ReturnType<typeof freshDatabase>>;
  let world: World;
  let support: string;
  let billing: string;
  const steps = [dedupe, identify, thread, store, followChannelRouting, route, assign, applyChannelEndings];
  const call = (from: string, id: string, routing: ChannelRouting): InboundEnvelope => {
    const e = envelope(world, { from, id, kind: 'voice', threadKey: `call-${from}` });
    return { ...e, message: { ...e.message, parts: [{ type: 'event', name: 'call.ringing' }], routing } };
  };
  beforeAll(async () => {
    handle = await freshDatabase();
    world = await createWorld(handle.db, 'channel-routing', 'voice-test');
    support = await addGroup(world, 'Support');
    billing = await addGroup(world, 'Billing');
    await setDefaultGroup(world, support);
    await addAgent(world, 'Li', { groups: [billing], capacity: { voice: 1 }, phone: 'web_phone' });
  });
  afterAll(() => handle?.drop());

  it('holds a call in the menu, then routes it to the queue the caller chose, over the rules', async () => {
    await runSteps(handle.db, steps, [call('caller', 'c-1', { hold: true })], { commit: true });
    const held = await conversationOf(handle.db, world, 'caller');
    expect(held).toMatchObject({ status: 'open', group_id: null });
    await runSteps(handle.db, steps, [call('caller', 'c-2', { groupId: billing })], { commit: true });
    expect(await conversationOf(handle.db, world, 'caller')).toMatchObject({ id: held.id, status: 'assigned', group_id: billing });
  });

  it('resolves a conversation the channel ended', async () => {
    await runSteps(handle.db, steps, [call('caller', 'c-3', { end: true })], { commit: true });
    expect(await conversationOf(handle.db, world, 'caller')).toMatchObject({ status: 'resolved', resolved_at: expect.any(Date) });
  });
});
